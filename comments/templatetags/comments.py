import hashlib

from django import template

from newsportal.params import whole_number

from ..models import Comment, Status
from ..moderation import comments_open
from ..session import own_comment_ids
from ..threads import visible_threads

register = template.Library()

AVATAR_COLOURS = 8


@register.inclusion_tag("comments/section.html", takes_context=True)
def comments_section(context, article):
    """The comments under an article: count, threads, and the form (or "comments are closed")."""
    from ..views import comment_form

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
            form = comment_form(request, article)
            reply_to = _reply_target(request, article)
            if reply_to:
                form.initial["parent"] = reply_to.pk
        elif form.data.get("parent"):
            reply_to = _reply_target(request, article, form.data.get("parent"))
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


def _reply_target(request, article, raw_id=None):
    """The approved comment named by ?replyto= (no JavaScript) or by the posted form."""
    target_id = whole_number(raw_id if raw_id is not None else request.GET.get("replyto"))
    if not target_id:
        return None
    target = Comment.objects.filter(pk=target_id, article=article, status=Status.APPROVED).first()
    return target if target and target.can_be_replied_to else None


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
