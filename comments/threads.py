"""The comments a reader sees under an article: whole threads, a page at a time."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from articles.models import Article
from newsportal.params import whole_number

from .conf import setting
from .models import Comment


@dataclass
class CommentNode:
    comment: Comment
    children: list["CommentNode"] = field(default_factory=list)


@dataclass
class CommentPage:
    approved_count: int
    page: Page
    threads: list[CommentNode]


def visible_threads(article: Article, *, own_ids, page_number=None) -> CommentPage:
    """Approved comments (and the reader's own pending ones), oldest first, threaded.

    A fixed number of queries: the approved count, the page of top-level comments (count and
    slice), and every reply in those threads.
    """
    visible = Comment.objects.filter(article=article).visible_to(own_ids)
    approved_count = Comment.objects.filter(article=article).approved().count()
    roots = visible.filter(parent__isnull=True).order_by("created_at", "pk")
    page = Paginator(roots, setting("COMMENTS_PER_PAGE")).get_page(page_number)
    nodes = {comment.pk: CommentNode(comment) for comment in page.object_list}
    threads = list(nodes.values())
    if nodes:
        replies = visible.filter(thread_id__in=list(nodes)).exclude(parent__isnull=True)
        for reply in replies.order_by("depth", "created_at", "pk"):
            parent = nodes.get(reply.parent_id)
            if parent is None:  # its parent is not visible (rejected): the reply goes too
                continue
            nodes[reply.pk] = CommentNode(reply)
            parent.children.append(nodes[reply.pk])
    return CommentPage(approved_count, page, threads)


def page_of(comment: Comment, *, own_ids) -> int:
    """The comments page on which `comment`'s thread appears."""
    root_id = comment.thread_id or comment.pk
    root = comment if root_id == comment.pk else Comment.objects.get(pk=root_id)
    earlier = (
        Comment.objects.filter(article_id=comment.article_id, parent__isnull=True)
        .visible_to(own_ids)
        .filter(created_at__lt=root.created_at)
        .count()
    )
    return earlier // setting("COMMENTS_PER_PAGE") + 1


def reply_target(article: Article, raw_id) -> Comment | None:
    """The comment a reader may answer, named by an id from a form or a URL: approved, on this
    article, and not too deep. Every reader-facing lookup of one comment goes through here, so a
    pending, rejected or spam comment is never named to anyone."""
    comment_id = whole_number(raw_id) if isinstance(raw_id, str) else raw_id
    if not comment_id:
        return None
    target = Comment.objects.approved().filter(pk=comment_id, article=article).first()
    return target if target and target.can_be_replied_to else None
