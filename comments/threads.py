"""The comments a reader sees under an article: whole threads, a page at a time, in the order
the reader chose (editors' picks first, oldest first or newest first)."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from articles.models import Article
from newsportal.params import whole_number

from .conf import setting
from .models import Comment


class Order:
    """How a thread's top-level comments are ordered; replies always follow their parent,
    oldest first."""

    PICKS = "picks"  # editors' picks first, then the rest oldest first
    OLDEST = "oldest"
    NEWEST = "newest"
    DEFAULT = PICKS
    CHOICES = [(PICKS, "Editors' picks first"), (OLDEST, "Oldest first"), (NEWEST, "Newest first")]

    @classmethod
    def read(cls, raw) -> str:
        """The order a query parameter asks for; the default for anything else."""
        return raw if raw in dict(cls.CHOICES) else cls.DEFAULT

    @classmethod
    def query(cls, order: str) -> str:
        """The query string that asks for `order` ("" for the default)."""
        return "" if order == cls.DEFAULT else f"order={order}"


# An editors' pick a reader sees (Comment.is_featured).
_PICKED = Q(featured_at__isnull=False, status=Comment.Status.APPROVED)
# 0 for an editors' pick, 1 for the rest: sorts picks first.
_NOT_PICKED = Case(When(_PICKED, then=Value(0)), default=Value(1), output_field=IntegerField())


def _ordered(roots: QuerySet, order: str) -> QuerySet:
    if order == Order.NEWEST:
        return roots.order_by("-created_at", "-pk")
    if order == Order.OLDEST:
        return roots.order_by("created_at", "pk")
    return roots.alias(not_picked=_NOT_PICKED).order_by("not_picked", "created_at", "pk")


@dataclass
class CommentNode:
    comment: Comment
    children: list["CommentNode"] = field(default_factory=list)
    # The reader wrote it, from this browser, and may still change it.
    editable: bool = False


@dataclass
class CommentPage:
    approved_count: int
    page: Page
    threads: list[CommentNode]
    picks_count: int = 0


def visible_threads(
    article: Article, *, own_ids, page_number=None, order: str = Order.DEFAULT
) -> CommentPage:
    """Approved comments (and the reader's own pending ones), threaded, in `order`.

    A fixed number of queries: the approved count, the page of top-level comments (count and
    slice), and every reply in those threads.
    """
    visible = Comment.objects.filter(article=article).visible_to(own_ids)
    counts = (
        Comment.objects.filter(article=article)
        .approved()
        .aggregate(approved=Count("pk"), picks=Count("pk", filter=_PICKED))
    )
    roots = _ordered(visible.filter(parent__isnull=True), order)
    page = Paginator(roots, setting("COMMENTS_PER_PAGE")).get_page(page_number)
    now = timezone.now()

    def node(comment: Comment) -> CommentNode:
        editable = bool(own_ids) and comment.editable_by_author(own_ids, now=now)
        return CommentNode(comment, editable=editable)

    nodes = {comment.pk: node(comment) for comment in page.object_list}
    threads = list(nodes.values())
    if nodes:
        replies = visible.filter(thread_id__in=list(nodes)).exclude(parent__isnull=True)
        for reply in replies.order_by("depth", "created_at", "pk"):
            parent = nodes.get(reply.parent_id)
            if parent is None:  # its parent is not visible (rejected): the reply goes too
                continue
            nodes[reply.pk] = node(reply)
            parent.children.append(nodes[reply.pk])
    return CommentPage(counts["approved"], page, threads, counts["picks"])


def page_of(comment: Comment, *, own_ids, order: str = Order.DEFAULT) -> int:
    """The comments page on which `comment`'s thread appears in `order`."""
    root_id = comment.thread_id or comment.pk
    root = comment if root_id == comment.pk else Comment.objects.get(pk=root_id)
    roots = Comment.objects.filter(article_id=comment.article_id, parent__isnull=True).visible_to(
        own_ids
    )
    same_time_before = Q(created_at=root.created_at, pk__lt=root.pk)
    written_before = Q(created_at__lt=root.created_at) | same_time_before
    if order == Order.NEWEST:
        before = Q(created_at__gt=root.created_at) | Q(created_at=root.created_at, pk__gt=root.pk)
    elif order == Order.OLDEST:
        before = written_before
    elif root.is_featured:  # among the picks, which come first
        before = _PICKED & written_before
    else:  # after every pick, among the rest
        before = _PICKED | written_before
    return roots.filter(before).count() // setting("COMMENTS_PER_PAGE") + 1


# Said when a reply's comment is gone or closed to replies, by the form and the service alike.
REPLIES_CLOSED = (
    "The comment you were replying to can no longer take replies. "
    "Your text is still here: post it as a new comment instead."
)


def reply_target(article: Article, raw_id) -> Comment | None:
    """The comment a reader may answer, named by an id from a form or a URL: approved, on this
    article, and not too deep. Every reader-facing lookup of one comment goes through here, so a
    pending, rejected or spam comment is never named to anyone."""
    comment_id = whole_number(raw_id) if isinstance(raw_id, str) else raw_id
    if not comment_id:
        return None
    target = Comment.objects.approved().filter(pk=comment_id, article=article).first()
    return target if target and target.can_be_replied_to else None
