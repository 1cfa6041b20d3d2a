import hashlib

from django import template

from ..forms import CommentForm
from ..models import Comment
from ..moderation import comments_open
from ..session import own_comment_ids
from ..threads import reply_target, visible_threads

register = template.Library()

AVATAR_COLOURS = 8


@register.inclusion_tag("comments/section.html", takes_context=True)
def comments_section(context, article):
    """The comments under an article: count, threads, and the form (or "comments are closed")."""
    request = context["request"]
    own_ids = own_comment_ids(request)
    comment_page = visible_threads(
        article, own_ids=own_ids, page_number=request.GET.get("comments")
    )
    is_open = comments_open(article)
    form = getattr(request, "comment_form", None)
    reply_to = None
    if is_open:
        if form is None:
            form = CommentForm.for_article(article, request)
            # ?replyto= opens the form as a reply without JavaScript.
            reply_to = reply_target(article, request.GET.get("replyto"))
            if reply_to:
                form.initial["parent"] = reply_to.pk
        else:
            reply_to = form.reply_to
    elif form is None:
        form = {}  # nothing to show; the template asks form.is_bound
    return {
        "request": request,
        "article": article,
        "approved_count": comment_page.approved_count,
        "page_obj": comment_page.page,
        "threads": comment_page.threads,
        "comments_open": is_open,
        "form": form,
        "reply_to": reply_to,
    }


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
