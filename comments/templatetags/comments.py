import hashlib

from django import template
from django.conf import settings
from django.template.loader import render_to_string

from articles.meta import absolute_url
from newsportal.fragments import cached_by_keys
from newsportal.front_cache import is_personal
from newsportal.params import whole_number

from ..forms import CommentForm, ReportForm
from ..models import Comment
from ..moderation import comments_open
from ..session import own_comment_ids
from ..threads import CommentNode, Order, reply_target, visible_threads

register = template.Library()

AVATAR_COLOURS = 8
# Comment pages beyond this are rendered afresh each time rather than kept (a bound on the
# entries one reader can make the cache keep with made-up ?comments= numbers).
MAX_KEPT_COMMENT_PAGE = 100


@register.simple_tag(takes_context=True)
def comments_section(context, article):
    """The comments under an article: count, threads, and the form (or "comments are closed").

    For a reader with no comments of their own waiting (a page everyone shares), the thread and
    the empty form are kept rendered until the article's key is purged: an approved comment
    re-renders the thread once, not for every reader after it (newsportal/fragments.py).
    """
    request = context["request"]
    own_ids = own_comment_ids(request)
    shared = not own_ids and not is_personal(request)
    is_open = comments_open(article)
    raw_page = request.GET.get("comments")
    page_number = whole_number(raw_page) if raw_page is not None else 1
    order = Order.read(request.GET.get("order"))
    picks_only = request.GET.get("show") == "picks"

    def render_thread():
        comment_page = visible_threads(article, own_ids=own_ids, page_number=raw_page, order=order)
        threads = comment_page.threads
        if picks_only:
            picks = Comment.objects.filter(article=article).featured()
            threads = [CommentNode(pick) for pick in picks]
        return render_to_string(
            "comments/thread.html",
            {
                "approved_count": comment_page.approved_count,
                "page_obj": None if picks_only else comment_page.page,
                "threads": threads,
                "comments_open": is_open,
                "order": order,
                "orders": [(value, label, Order.query(value)) for value, label in Order.CHOICES],
                "order_query": Order.query(order),
                "picks_count": comment_page.picks_count,
                "picks_only": picks_only,
            },
        )

    form = getattr(request, "comment_form", None)
    reply_to = None
    if is_open:
        # ?replyto= opens the form as a reply without JavaScript.
        reply_to = (
            reply_target(article, request.GET.get("replyto")) if form is None else form.reply_to
        )

    def render_form():
        nonlocal form
        if not is_open:
            return ""
        if form is None:
            form = CommentForm.for_article(article, request)
            if reply_to:
                form.initial["parent"] = reply_to.pk
        return render_to_string(
            "comments/form.html", {"form": form, "reply_to": reply_to, "request": request}
        )

    # Only the pages a link leads to are kept: nonsense ?comments= values render afresh.
    if shared and page_number and page_number <= MAX_KEPT_COMMENT_PAGE:
        name = f"{article.pk}:{page_number}:{is_open}:{order}:{picks_only}"
        keys = [f"article-{article.pk}"]
        if form is None and reply_to is None:  # the empty form too: what nearly every reader gets
            thread, respond = cached_by_keys(
                f"comments-and-form:{name}",
                keys,
                lambda: (render_thread(), render_form()),
                settings.FRAGMENT_CACHE_SECONDS,
            )
        else:
            thread = cached_by_keys(
                f"comments:{name}", keys, render_thread, settings.FRAGMENT_CACHE_SECONDS
            )
            respond = render_form()
    else:
        thread, respond = render_thread(), render_form()
    return render_to_string(
        "comments/section.html",
        {
            "thread": thread,
            "respond": respond,
            "comments_open": is_open,
            "form": form or {},
            "report_form": ReportForm(),
        },
    )


@register.simple_tag(takes_context=True)
def featured_comments_schema(context, schema: dict, article) -> dict:
    """The article's schema.org data with its editors' picks as its comments."""
    picks = Comment.objects.filter(article=article).featured()
    comments = [
        {
            "@type": "Comment",
            "text": pick.body,
            "dateCreated": pick.created_at.isoformat(),
            "author": {"@type": "Person", "name": pick.name},
            "url": absolute_url(context["request"], pick.get_absolute_url()),
        }
        for pick in picks
    ]
    return {**schema, "comment": comments} if comments else schema


@register.simple_tag
def comment_counts(articles):
    """{article id: approved comments} for a list of articles, in one query."""
    ids = [article.pk for article in articles if article is not None]
    return Comment.objects.approved_counts(ids) if ids else {}


@register.filter
def count_for(counts, article):
    return counts.get(article.pk, 0)


@register.filter
def initials(name: str) -> str:
    words = [word for word in name.split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]) or (name.strip()[:1] or "?")
    return letters.upper()


@register.filter
def avatar_colour(name: str) -> int:
    """A colour chosen by the name, the same every time (no external avatar service)."""
    digest = hashlib.md5(name.strip().lower().encode(), usedforsecurity=False).digest()
    return digest[0] % AVATAR_COLOURS


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()
