from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import article_detail
from newsportal.params import whole_number

from . import session, spam
from .forms import CommentForm
from .models import Comment, Status
from .moderation import comments_open
from .services import comment_submit
from .threads import page_of


def _wants_json(request) -> bool:
    """The page's script posts with this header; without JavaScript the browser posts a form."""
    return request.headers.get("X-Requested-With") == "fetch"


def comment_form(request, article: Article, data=None) -> CommentForm:
    from django.urls import reverse

    action = reverse("comments:post", kwargs={"article_id": article.pk})
    return CommentForm(data, article=article, action=action, initial=session.saved_author(request))


@require_POST
def post_comment(request, article_id):
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    form = comment_form(request, article, data=request.POST)

    if form.is_bot:
        # Dropped silently: the bot sees what a person would, and learns nothing.
        return _success(request, article, comment=None)

    if not comments_open(article):
        form.add_error(None, "Comments are closed on this article.")
    elif form.is_valid():
        parent = None
        parent_id = form.cleaned_data.get("parent")
        if parent_id:
            parent = Comment.objects.filter(
                pk=parent_id, article=article, status=Status.APPROVED
            ).first()
            if parent is None or not parent.can_be_replied_to:
                form.add_error(
                    None,
                    "The comment you were replying to can no longer take replies. "
                    "Your text is still here: post it as a new comment instead.",
                )
                form.data = form.data.copy()
                form.data["parent"] = ""
        ip_address = spam.client_ip(request)
        if form.is_valid() and spam.rate_limited(ip_address or ""):
            form.add_error(
                None,
                "You are commenting faster than we can read. Please wait a minute and send "
                "your comment again; it is still here.",
            )
        if form.is_valid():
            try:
                comment = comment_submit(
                    article=article,
                    parent=parent,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    url=form.cleaned_data["url"],
                    body=form.cleaned_data["comment"],
                    ip_address=ip_address,
                    user_agent=request.headers.get("User-Agent", ""),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                session.remember_own_comment(request, comment.pk)
                response = _success(request, article, comment=comment)
                details = {key: form.cleaned_data[key] for key in ("name", "email", "url")}
                session.save_author(
                    request, response, details if form.cleaned_data["save_details"] else None
                )
                return response
    return _failure(request, article, form)


def _success(request, article, *, comment):
    if comment is None:
        target = f"{article.get_absolute_url()}#comments"
    else:
        page = page_of(comment, own_ids=session.own_comment_ids(request))
        query = f"?comments={page}" if page > 1 else ""
        target = f"{article.get_absolute_url()}{query}#comment-{comment.pk}"
    if _wants_json(request):
        html = ""
        if comment is not None:
            html = render_to_string(
                "comments/comment.html",
                {"node": {"comment": comment, "children": []}, "comments_open": True},
                request=request,
            )
        return JsonResponse({"ok": True, "html": html, "url": target})
    return HttpResponseRedirect(target)


def _failure(request, article, form):
    if _wants_json(request):
        parent = whole_number(form.data.get("parent"))
        reply_to = Comment.objects.filter(pk=parent, article=article).first() if parent else None
        html = render_to_string(
            "comments/form.html", {"form": form, "reply_to": reply_to}, request=request
        )
        return JsonResponse({"ok": False, "html": html}, status=400)
    # Without JavaScript: the article page again, with the form as the reader filled it in.
    request.comment_form = form
    return article_detail(request, slug=article.slug)
