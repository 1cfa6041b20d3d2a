import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.demo.loader import SEED_SLUG, load_demo, parse_seed
from articles.models import Article, Image, Section

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seed_text():
    from articles.demo.loader import DEMO_DIR

    return (DEMO_DIR / "seed.txt").read_text(encoding="utf-8")


def test_seed_page_is_parsed_without_the_original_sites_boilerplate(seed_text):
    seed = parse_seed(seed_text)
    assert seed.headline == "Putin greeted Russia-China relations during the Xi Virtual Summit"
    assert seed.published_at.date().isoformat() == "2022-06-20"
    assert seed.paragraphs[0].startswith("Russian President Vladimir Putin")
    assert seed.paragraphs[-1].startswith("Russian officials have accused Kiev")
    assert not any("[author_name]" in p or p.startswith("Read all") for p in seed.paragraphs)


def test_load_demo_fills_the_site_and_a_second_run_changes_nothing(client):
    """The demo has the seed as lead story, 30+ articles in 4+ sections; reloading is a no-op."""
    first = load_demo()
    assert first.changed
    assert Article.objects.published().count() >= 31
    assert Section.objects.count() >= 4
    assert Image.objects.count() == Article.objects.count()

    before = list(Article.objects.values().order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        second = load_demo()
    assert second.changed == 0, str(second)
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert list(Article.objects.values().order_by("pk")) == before

    home = client.get("/").content.decode()
    seed = Article.objects.get(slug=SEED_SLUG)
    lead_block = home.split('id="lead-headline"')[1].split("</h2>")[0]
    assert seed.headline in lead_block

    page = client.get(seed.get_absolute_url()).content.decode()
    assert "Source: Wire service" in page
    assert "[author_name]" not in page
    assert "Related Articles" in page and "Latest Articles" in page


def test_demo_fills_every_listing(client):
    load_demo()
    for section in Section.objects.all():
        assert section.articles.published().count() >= 5
    assert "Aldra" in client.get("/search/", {"q": "Aldra"}).content.decode()
    assert client.get("/feeds/rss/").content.decode().count("<item>") >= 30
