"""Many readers posting at the same moment: every comment is stored, nobody sees an error."""

import json
import re
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest

from comments.models import Comment
from tests.factories import ArticleFactory

PARALLEL_CLIENTS = 50


def post_as_a_new_reader(base_url: str, article_url: str, n: int) -> int:
    """One reader: open the article, fetch a form token as the page's script does, then post
    (from the page: the Referer says so)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(base_url + article_url, timeout=60).read().decode()
    token_url = re.search(r'data-token-url="([^"]+)"', page)[1]
    token = json.loads(opener.open(base_url + token_url, timeout=60).read())["issued"]
    fields = {
        "issued": token,
        "comment": f"Comment number {n} from a parallel reader.",
        "name": f"Reader {n}",
        "email": f"reader{n}@example.org",
    }
    action = re.search(r'action="(/comments/post/\d+/)"', page)[1]
    request = urllib.request.Request(
        base_url + action,
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Referer": base_url + article_url},
    )
    try:
        with opener.open(request, timeout=60) as response:
            body = response.read().decode()
            assert f"Comment number {n} from a parallel reader." in body
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_fifty_comments_posted_at_once_are_all_stored(live_server, settings):
    settings.COMMENTS_RATE_LIMIT = 10_000  # all readers share 127.0.0.1 here
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    article = ArticleFactory()
    with ThreadPoolExecutor(max_workers=PARALLEL_CLIENTS) as pool:
        statuses = list(
            pool.map(
                lambda n: post_as_a_new_reader(live_server.url, article.get_absolute_url(), n),
                range(PARALLEL_CLIENTS),
            )
        )
    assert statuses == [200] * PARALLEL_CLIENTS
    assert Comment.objects.filter(article=article).count() == PARALLEL_CLIENTS
