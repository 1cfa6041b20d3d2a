"""`make serve`'s stack, started for real: Varnish in front of gunicorn, with the test pages of
stack_urls.py (one per kind of caching answer). Each test uses keys of its own, so the pages one
test caches or purges are not another's.

The last test stops the stack as Ctrl-C does.
"""

import re
import subprocess
import uuid
from pathlib import Path

import pytest


def key() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def cached(stack, path, **kwargs):
    """GET `path` until it is in the cache: the MISS that stored it, then the HIT."""
    first = stack.get(path, **kwargs)
    second = stack.get(path, **kwargs)
    assert (first.cache, second.cache) == ("MISS", "HIT"), (first.headers, second.headers)
    return first


def test_the_site_is_served_through_the_cache(stack):
    """The home page answers on PORT, through Varnish, from gunicorn."""
    answer = stack.get("/")
    assert answer.status == 200
    assert b"<html" in answer.body
    assert "varnish" in answer.headers["Via"].lower()
    assert answer.cache in ("HIT", "MISS")


def test_a_shared_page_is_a_hit_the_second_time(stack):
    """A page the application marks public is rendered once and then served from the cache."""
    path = f"/_test/shared/{key()}/"
    first = stack.get(path)
    second = stack.get(path)
    assert first.status == second.status == 200
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert second.headers["X-Cache-Hits"] == "1"
    assert second.page["render"] == first.page["render"]


def test_surrogate_keys_stay_in_the_cache(stack):
    """Readers never see the xkey header; an allowed purger can ask for it; a CDN in front
    (DJANGO_CDN_KEY_HEADER) gets the keys under its own header name."""
    page = key()
    answer = cached(stack, f"/_test/shared/{page}/")
    assert "xkey" not in answer.headers
    assert answer.headers["Surrogate-Key"] == f"{page} test-pages"
    assert "xkey" not in stack.get(f"/_test/shared/{page}/").headers
    debug = stack.get(f"/_test/shared/{page}/", headers={"X-Cache-Debug": "1"})
    assert debug.headers["xkey"] == f"{page} test-pages"
    outsider = stack.get(
        f"/_test/shared/{page}/", headers={"X-Cache-Debug": "1"}, source="127.0.0.2"
    )
    assert "xkey" not in outsider.headers


def test_a_reader_with_a_session_bypasses_the_cache(stack):
    """Django's session cookie (staff, a commenter awaiting moderation) gets a page rendered
    for them, with their cookies; it is not stored for anyone else."""
    path = f"/_test/shared/{key()}/"
    shared = cached(stack, path)
    personal = stack.get(path, headers={"Cookie": "csrftoken=abc; sessionid=s3cr3t"})
    assert personal.cache == "MISS"
    assert personal.page["render"] != shared.page["render"]
    assert personal.page["cookies"] == ["csrftoken", "sessionid"]
    again = stack.get(path)
    assert again.cache == "HIT"
    assert again.page["render"] == shared.page["render"]


def test_other_cookies_are_dropped_and_share_the_page(stack):
    """csrftoken and analytics cookies do not split the cache, and never reach a shared page."""
    path = f"/_test/shared/{key()}/"
    first = stack.get(path, headers={"Cookie": "csrftoken=abc; _ga=GA1.1.2"})
    assert first.page["cookies"] == []
    second = stack.get(path, headers={"Cookie": "_ga=GA1.9.9"})
    assert second.cache == "HIT"
    assert second.page["render"] == first.page["render"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PROPFIND"])
def test_other_methods_go_to_the_application(stack, method):
    """A comment POST (or any other method) is answered by the application every time, with
    its cookies, and does not replace the cached page."""
    path = f"/_test/shared/{key()}/"
    shared = cached(stack, path)
    headers = {"Cookie": "csrftoken=abc", "Content-Length": "0"}
    answers = [stack.request(method, path, headers=headers) for _ in range(2)]
    assert [answer.cache for answer in answers] == ["MISS", "MISS"]
    if method == "POST":
        assert [answer.page["method"] for answer in answers] == ["POST", "POST"]
        assert answers[0].page["render"] != answers[1].page["render"]
        assert answers[0].page["cookies"] == ["csrftoken"]
    else:
        # The site's own answer: 405 with the methods it serves (an empty 204 for OPTIONS).
        assert {answer.status for answer in answers} == {204 if method == "OPTIONS" else 405}
    assert stack.get(path).page["render"] == shared.page["render"]


def test_the_admin_is_never_cached(stack):
    """/admin/ goes to the application every time, cookies and all."""
    answers = [stack.get("/admin/login/") for _ in range(2)]
    assert [answer.status for answer in answers] == [200, 200]
    assert [answer.cache for answer in answers] == ["MISS", "MISS"]


@pytest.mark.parametrize("caching", ["private", "no-store", "public-with-cookie", "unmarked"])
def test_only_what_the_application_marks_public_is_stored(stack, caching):
    """Personal answers, answers that set a cookie and answers that say nothing about caching
    are rendered afresh for every reader."""
    path = f"/_test/{caching}/{key()}/"
    first, second = stack.get(path), stack.get(path)
    assert (first.cache, second.cache) == ("MISS", "MISS")
    assert first.page["render"] != second.page["render"]


def test_a_purge_by_key_empties_every_page_with_that_key(stack):
    """PURGE with xkey-purge from this machine removes the pages carrying any of the keys,
    says how many, and leaves the others."""
    gone, also_gone, kept = key(), key(), key()
    before = {page: cached(stack, f"/_test/shared/{page}/") for page in (gone, also_gone, kept)}
    answer = stack.request("PURGE", "/", headers={"xkey-purge": f"{gone} {also_gone}"})
    assert answer.status == 200
    assert answer.body.decode().strip() == "Purged 2"
    for page in (gone, also_gone):
        after = stack.get(f"/_test/shared/{page}/")
        assert after.cache == "MISS"
        assert after.page["render"] != before[page].page["render"]
    assert stack.get(f"/_test/shared/{kept}/").cache == "HIT"


@pytest.mark.parametrize(
    "source, headers",
    [
        ("127.0.0.2", {}),
        # Relayed by a proxy on this machine for someone else.
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.7"}),
    ],
    ids=["another-address", "relayed"],
)
def test_a_purge_from_outside_the_acl_is_refused(stack, source, headers):
    """Only the allowed addresses (this machine by default) may purge; the page stays."""
    page = key()
    cached(stack, f"/_test/shared/{page}/")
    answer = stack.request("PURGE", "/", headers={"xkey-purge": page, **headers}, source=source)
    assert answer.status == 403
    assert stack.get(f"/_test/shared/{page}/").cache == "HIT"


def test_a_purge_without_keys_is_refused(stack):
    """PURGE needs its xkey-purge header; it never empties anything by URL."""
    path = f"/_test/shared/{key()}/"
    cached(stack, path)
    assert stack.request("PURGE", path).status == 400
    assert stack.get(path).cache == "HIT"


def test_tracking_parameters_do_not_split_the_cache(stack):
    """A link shared with utm_ or click-id parameters is the same page; other parameters are
    not."""
    page = key()
    shared = cached(stack, f"/_test/shared/{page}/?page=2")
    tracked = stack.get(f"/_test/shared/{page}/?utm_source=x&page=2&fbclid=abc&utm_medium=y")
    assert tracked.cache == "HIT"
    assert tracked.page["render"] == shared.page["render"]
    assert stack.get(f"/_test/shared/{page}/?page=3").cache == "MISS"


def test_the_application_sees_the_readers_address(stack):
    """The comment rate limit and the login lockout count the reader, not Varnish, and a
    forged X-Forwarded-For changes nothing."""
    for source in ("127.0.0.2", "127.0.0.3"):
        answer = stack.get(
            f"/_test/private/{key()}/",
            headers={"X-Forwarded-For": "203.0.113.9"},
            source=source,
        )
        assert answer.page["client_ip"] == source


def test_varnish_logs_a_cached_answers_url_and_status_but_not_its_headers(stack):
    """VARNISH_LOG's default (lean): varnishlog still finds each answer by URL and status,
    and the fetch that stored it in full; a reader's headers are not written for every hit."""
    page = key()
    cached(stack, f"/_test/shared/{page}/", headers={"X-Reader-Note": f"note-{page}"})
    log = subprocess.run(
        ["varnishlog", "-d", "-n", str(stack.state_dir / "varnish"), "-g", "request"]
        + ["-q", f'ReqURL ~ "{page}"'],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert len(re.findall(rf"ReqURL +/_test/shared/{page}/", log)) == 2  # the miss, the hit
    assert len(re.findall(r"RespStatus +200", log)) == 2
    assert re.search(rf"BereqURL +/_test/shared/{page}/", log)  # the fetch, logged in full
    assert re.search(r"BerespHeader +xkey:", log)
    # The reader's header is in the fetch's record, once, and in no record of the answers.
    assert re.findall(r"\bBereqHeader +X-Reader-Note: (\S+)", log) == [f"note-{page}"]
    assert not re.search(r"\b(ReqHeader|RespHeader|Timestamp)\b", log)


def test_a_reader_cannot_claim_https(stack):
    """X-Forwarded-Proto from a reader does not make a plain-HTTP request secure (neither
    gunicorn nor Django believes it without DJANGO_BEHIND_TLS_PROXY)."""
    answer = stack.get(f"/_test/private/{key()}/", headers={"X-Forwarded-Proto": "https"})
    assert answer.status == 200
    assert answer.page["secure"] is False


def test_static_files_are_compressed_hashed_and_kept_for_ever(stack):
    """The stylesheet a page links to has a hashed name, comes gzipped, may be kept by
    browsers for a year or more, and is then served from the cache."""
    home = stack.get("/").body.decode()
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home).group(1)
    gzip = {"Accept-Encoding": "gzip"}
    first, second = stack.get(stylesheet, headers=gzip), stack.get(stylesheet, headers=gzip)
    assert first.status == 200
    assert first.headers["Content-Encoding"] == "gzip"
    max_age = re.search(r"max-age=(\d+)", first.headers["Cache-Control"]).group(1)
    assert int(max_age) >= 365 * 24 * 3600
    assert "immutable" in first.headers["Cache-Control"]
    assert second.cache == "HIT"


def test_shared_pages_are_compressed_by_the_cache(stack):
    """A shared page goes out gzipped to readers who accept it, and plain to the others."""
    path = f"/_test/shared/{key()}/"
    zipped = stack.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    plain = stack.get(path)
    assert "Content-Encoding" not in plain.headers
    assert plain.page["method"] == "GET"


def test_a_stale_page_is_served_at_once_within_its_stale_while_revalidate(stack):
    """A page past its s-maxage but within its stale-while-revalidate is served from the cache
    (and refreshed behind the reader's back). The test page says it is 100 s old."""
    path = f"/_test/stale-revalidating/{key()}/"
    first, second = stack.get(path), stack.get(path)
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert second.page["render"] == first.page["render"]


def test_past_its_stale_while_revalidate_a_page_is_rendered_again_unless_the_site_is_down(stack):
    """Past its stale-while-revalidate, a page is rendered afresh while the application is
    healthy; when the health probe says it is down, the stale copy is served instead, and a
    page the cache never had gets the cache's own "back in a moment" page."""
    path = f"/_test/stale/{key()}/"
    first, healthy = stack.get(path), stack.get(path)
    assert (first.cache, healthy.cache) == ("MISS", "MISS")
    assert healthy.page["render"] != first.page["render"]
    stack.varnishadm("backend.set_health", "app1", "sick")
    try:
        down = stack.get(path)
        assert (down.status, down.cache) == (200, "HIT")
        assert down.page["render"] == healthy.page["render"]
        never_cached = stack.get(f"/_test/stale/{key()}/")
        assert never_cached.status == 503
        assert b"Back in a moment" in never_cached.body
    finally:
        stack.varnishadm("backend.set_health", "app1", "auto")


def test_a_page_whose_database_is_down_is_served_stale_while_the_application_answers(stack):
    """Stale-if-error: the application is up (its health probe passes) but a page answers 503,
    as one does while the database is down. The cache serves its stale copy; a page it never
    had gets the application's own 503; once the page answers again, it is rendered afresh."""
    from tests.serve.stack_urls import FAILING

    page_key = key()
    path = f"/_test/failing/{page_key}/"
    first = stack.get(path)
    assert (first.status, first.cache) == (200, "MISS")
    FAILING.mkdir(exist_ok=True)
    switch = FAILING / page_key
    switch.touch()
    try:
        down = stack.get(path)
        assert (down.status, down.cache) == (200, "HIT")
        assert down.page["render"] == first.page["render"]
        (FAILING / f"{page_key}-new").touch()
        never_cached = stack.get(f"/_test/failing/{page_key}-new/")
        assert never_cached.status == 503
        assert never_cached.body == b"database down"
        assert never_cached.headers["Retry-After"] == "10"
    finally:
        switch.unlink()
        (FAILING / f"{page_key}-new").unlink(missing_ok=True)
    back = stack.get(path)
    assert (back.status, back.cache) == (200, "MISS")
    assert back.page["render"] != first.page["render"]


def test_ctrl_c_stops_every_process_it_started(stack):
    """Ctrl-C stops Varnish, gunicorn and its workers, and the task worker, and frees PORT."""
    started = stack.descendants()
    names = {(pid, Path(f"/proc/{pid}/comm").read_text().strip()) for pid in started}
    assert any("varnish" in name or "cache-main" in name for _, name in names), names
    assert len(started) >= 5, names  # Varnish's manager and child, gunicorn and 2 workers, …
    assert stack.interrupt() == 0
    still_running = [pid for pid in started if _alive(pid)]
    assert still_running == [], stack.output()
    with pytest.raises(ConnectionRefusedError):
        stack.get("/")
    with pytest.raises(ConnectionRefusedError):
        stack.get("/", port=stack.app_port)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_what_was_sent_to_a_server_that_is_gone_is_answered_by_another(tmp_path):
    """Two application servers behind the cache, one of them gone (nothing listens on its
    port) while its health probe has not yet failed often enough to take it out: every read
    and every post, whose body the cache keeps, is sent again to the other and answered."""
    from tests.serve.conftest import free_port, running_stack

    with running_stack(
        tmp_path,
        settings_module="tests.serve.stack_settings",
        demo=False,
        other_backend=free_port(),
    ) as running:
        for number in range(6):
            read = running.get(f"/_test/no-store/{key()}/")
            assert (read.status, read.page["method"]) == (200, "GET")
            body = f"text={number}".encode()
            sent = running.request(
                "POST",
                f"/_test/no-store/{key()}/",
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert (sent.status, sent.page["method"]) == (200, "POST")
            assert sent.page["body"] == body.decode()


def test_a_database_file_that_cannot_be_read_is_a_503_that_keeps_the_text_until_it_is_back(
    tmp_path,
):
    """SQLite's file swapped for one that is not a database (a restore gone wrong, a disk
    returning garbage), read by workers that open it now: pages that need it answer 503 with
    Retry-After, a comment posted meanwhile comes back with its text, and once the file is
    back the same workers serve again at once, with nothing restarted (#9)."""
    from urllib.parse import urlencode

    from tests.serve.conftest import running_stack

    with running_stack(
        tmp_path, settings_module="tests.serve.stack_settings", demo=False
    ) as running:
        assert running.get(f"/search/?q={key()}").status == 200
        database = tmp_path / "db.sqlite3"
        aside = database.rename(tmp_path / "db.sqlite3.aside")
        database.write_bytes(b"This is not a database. " * 200)
        try:
            # Connections already open keep reading the file they opened; new workers cannot.
            running.restart_workers()
            workers = running.gunicorn_workers()
            for _ in range(6):
                down = running.get(f"/search/?q={key()}")
                assert (down.status, down.headers["Retry-After"]) == (503, "10")
                assert b"Back in a moment" in down.body
            typed = "The pumps failed at 3 a.m. & nobody came"
            posted = running.request(
                "POST",
                "/comments/post/1/",
                body=urlencode({"comment": typed, "name": "Ada Reader", "issued": "x"}),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": f"http://127.0.0.1:{running.port}",
                },
            )
            assert posted.status == 503
            assert "The pumps failed at 3 a.m. &amp; nobody came" in posted.body.decode()
        finally:
            aside.replace(database)
        answers = [running.get(f"/search/?q={key()}").status for _ in range(6)]
        assert answers == [200] * 6
        assert running.gunicorn_workers() == workers
