"""The watchers benchmark's own parts that need no server: reading an answer off the wire, and
turning what each watcher saw into delays (`make bench-live` itself is run by hand)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from tests.benchmarks.bench_live import delays, read_response


def answer(raw: bytes):
    async def read():
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        return await read_response(reader)

    # In a thread of its own: in the whole suite, Playwright's sync API already runs an event
    # loop in this one, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, read()).result()


def test_answers_are_read_whole_whether_sized_chunked_or_not_modified():
    sized = answer(b'HTTP/1.1 200 OK\r\nContent-Length: 11\r\nETag: "a"\r\n\r\n{"id": 12}\n')
    assert sized == (200, {"content-length": "11", "etag": '"a"'}, b'{"id": 12}\n')
    chunked = answer(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5\r\n{"id"\r\n6\r\n: 12}\n\r\n0\r\n\r\n'
    )
    assert chunked[2] == b'{"id": 12}\n'
    assert answer(b'HTTP/1.1 304 Not Modified\r\nETag: W/"a"\r\n\r\n')[0] == 304


def test_a_watcher_sees_a_post_in_the_first_answer_listing_it_or_a_later_one():
    """A later update in the same answer lists the earlier one too; one never seen is missed."""
    posts = [
        {"id": 6, "committed": 100.0, "purged": 100.01},
        {"id": 7, "committed": 105.0, "purged": 105.01},
    ]
    seen = [
        [(100.4, 6), (105.9, 7)],  # saw each
        [(106.5, 7)],  # slow: saw 7 first, which lists 6 too
        [(100.2, 6)],  # left before 7
    ]
    figures = delays(posts, seen, until=110.0)
    assert figures["samples"] == 5
    assert figures["missed"] == 1
    assert round(figures["max_s"], 2) == 6.5
    assert round(figures["first_watcher_p50_s"], 2) in (0.2, 0.9)
