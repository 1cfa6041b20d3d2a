import hashlib
from collections import defaultdict

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from newsportal.fragments import cache_get_quietly, cache_set_quietly, cached_by_keys
from newsportal.front_cache import shared_max_age, show, show_until

from . import meta
from .conf import setting
from .live.coverage import live_coverage
from .models import Article, Author, Page, Section, Tag
from .pagination import ArchivePaginator
from .related import related_items
from .search import clean_query, search_articles


def _page(request, queryset, per_page=None, counted_as=None):
    """One page of `queryset`; a missing or nonsensical ?page= gives the nearest real page.
    `counted_as`: see ArchivePaginator."""
    paginator = ArchivePaginator(
        queryset, per_page or setting("ARTICLES_PAGE_SIZE"), counted_as=counted_as
    )
    return paginator.get_page(request.GET.get("page"))


def show_articles(request, articles) -> None:
    """Name the articles a page shows, so that a change to any of them purges it."""
    show(request, *(f"article-{article.pk}" for article in articles if article is not None))


def home(request):
    published = Article.objects.published().for_listing().newest_first()
    # The newest pinned lead story, or else simply the newest article.
    lead = published.order_by("-is_lead", "-published_at", "-pk").first()
    latest = published.exclude(pk=lead.pk) if lead else published
    # Publishing, withdrawing or scheduling an article purges "latest".
    page = _page(request, latest, counted_as=("home", ["latest"]))
    context = {"page_obj": page, "articles": page.object_list}
    show(request, "home", "latest", "sections")
    show_articles(request, page.object_list)
    if page.number == 1:
        context["lead"] = lead
        context["section_blocks"] = _section_blocks()
        blocks = context["section_blocks"]
        show_articles(request, [lead, *(article for _, block in blocks for article in block)])
    return render(request, "articles/home.html", context)


def _section_blocks() -> list[tuple[Section, list[Article]]]:
    """The newest few articles of every section, in one query however many sections there are."""
    ranked = (
        Article.objects.published()
        .newest_in_each_section(setting("ARTICLES_SECTION_BLOCK_SIZE"))
        .select_related("section", "featured_image")
        .order_by("section__position", "section__name", "-published_at", "-pk")
    )
    blocks: dict[Section, list[Article]] = defaultdict(list)
    for article in ranked:
        blocks[article.section].append(article)
    return list(blocks.items())


def _published_article(slug: str) -> Article | None:
    """The published article at `slug` with everything its page shows, kept between requests
    under its own key and "latest" (a picked related article's publication is part of it).
    Which article a slug names is kept too; what is kept is checked against the slug and the
    clock, so a changed slug or an article taken down is never served from it."""
    article_id = cache_get_quietly(f"article-slug:{slug}")
    if article_id is not None:

        def load():
            return Article.objects.published().for_detail().filter(pk=article_id).first()

        kept = cached_by_keys(
            f"article:{article_id}",
            ["latest", f"article-{article_id}"],
            load,
            lambda article: shared_max_age(),
        )
        if kept is not None and kept.slug == slug and kept.is_public:
            return kept
    article = Article.objects.published().for_detail().filter(slug=slug).first()
    if article is not None and article_id != article.pk:
        cache_set_quietly(f"article-slug:{slug}", article.pk, settings.FRAGMENT_CACHE_SECONDS)
    return article


def _latest_links() -> list[Article]:
    """The newest articles for an article page's "Latest" box (one more than it shows, in case
    it is the page's own), kept until one is published, withdrawn or edited."""
    return cached_by_keys(
        "latest-links",
        ["latest"],
        lambda: list(
            Article.objects.published()
            .for_link()
            .newest_first()[: setting("ARTICLES_LATEST_COUNT") + 1]
        ),
        lambda links: shared_max_age(),
        shown_keys=lambda links: [f"article-{link.pk}" for link in links],
    )


def article_detail(request, slug):
    article = _published_article(slug)
    preview = False
    if article is None:
        # Staff see drafts and scheduled articles exactly as readers will, marked as previews.
        if not request.user.has_perm("articles.view_article"):
            raise Http404("No published article here.")
        article = get_object_or_404(Article.objects.for_detail(), slug=slug)
        preview = True
    return _article_page(request, article, preview=preview)


def live_update(request, slug, update_id):
    """An update's permalink (#13): its live article's page, at the page of the coverage that
    holds it, marked, with the update's own social card and address."""
    article = _published_article(slug)
    if article is None or not article.is_live:
        raise Http404("No live coverage here.")
    update = article.live_updates.public().filter(pk=update_id).select_related("image").first()
    if update is None:
        raise Http404("No such update in this coverage.")
    return _article_page(request, article, focus=update)


def _article_page(request, article, *, preview=False, focus=None):
    """An article's page; a live article's with its coverage (at `focus`, for a permalink)."""
    others = [other for other in _latest_links() if other.pk != article.pk]
    latest = others[: setting("ARTICLES_LATEST_COUNT")]
    related = related_items(article)
    coverage = live_coverage(request, article, focus=focus) if article.is_live else None
    if not preview:
        show(request, "latest", "sections", f"article-{article.pk}")
        show(request, *(f"tag-{tag.pk}" for tag in article.tags.all()))
        show(request, *(f"author-{author.pk}" for author in article.byline_authors))
        show_articles(request, [*(item.article for item in related), *latest])
        if coverage:
            show(request, f"live-{article.pk}")
            show_until(request, coverage.changes_at)
    if focus:
        canonical = meta.absolute_url(request, focus.get_absolute_url())
        social = meta.live_update_social_meta(request, focus)
    else:
        canonical = meta.canonical_url(request, article)
        social = meta.social_meta(request, article)
    if coverage:
        schema = meta.live_blog_posting_schema(request, article, coverage.updates)
    else:
        schema = meta.news_article_schema(request, article)
    context = {
        "article": article,
        "related": related,
        "latest": latest,
        "canonical_url": canonical,
        "schema": schema,
        "social_meta": social,
        "coverage": coverage,
        "current_section_slug": article.section.slug,
        "preview": preview,
    }
    response = render(request, "articles/article_detail.html", context)
    if preview:
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _archive(request, obj, articles, template: str, **context):
    """A paginated list of one section's, tag's or author's published articles."""
    key = f"{obj._meta.model_name}-{obj.pk}"
    page = _page(
        request,
        articles.published().for_listing().newest_first(),
        counted_as=(key, ["latest", key]),
    )
    show(request, "sections", key)
    show_articles(request, page.object_list)
    return render(request, template, {"page_obj": page, "articles": page.object_list, **context})


def section(request, slug):
    section = get_object_or_404(Section, slug=slug)
    return _archive(
        request,
        section,
        section.articles,
        "articles/section_detail.html",
        section=section,
        current_section_slug=section.slug,
    )


def tag(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    return _archive(request, tag, tag.articles, "articles/tag_detail.html", tag=tag)


def author(request, slug):
    author = get_object_or_404(Author, slug=slug)
    return _archive(request, author, author.articles, "articles/author_detail.html", author=author)


def search(request):
    query = clean_query(request.GET.get("q", ""))
    page = None
    if query:
        # The number of matches is kept like an archive's count: an article saved (which
        # purges "feeds"), published or withdrawn ("latest") may change it.
        digest = hashlib.sha256(query.encode()).hexdigest()[:32]
        page = _page(
            request,
            search_articles(query).for_listing(),
            counted_as=(f"search-{digest}", ["latest", "feeds"]),
        )
    show(request, "latest", "sections")
    if page:
        show_articles(request, page.object_list)
    return render(
        request,
        "articles/search.html",
        {
            "query": query,
            "page_obj": page,
            "articles": page.object_list if page else [],
        },
    )


def static_page(request, path):
    """A page at an address no other page has ("About us" at /about/), or a 404.

    Every unknown address comes here: with the database down, it stays the 404 it would
    almost always be, not an outage page for an address that never existed.
    """
    try:
        page = Page.objects.filter(path=f"/{path}", is_published=True).first()
    except DatabaseError:
        page = None
    if page is None:
        raise Http404("No page here.")
    show(request, "sections", f"page-{page.pk}")
    return render(request, "articles/page_detail.html", {"page": page})
