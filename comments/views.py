from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.models import Article
from articles.views import article_detail

from . import replies, session, spam, tokens
from .conf import setting
from .forms import AuthorEditForm, CommentForm, ReportForm
from .models import Comment, ReplyOptOut
from .services import (
    comment_author_delete,
    comment_author_edit,
    comment_prepare,
    comment_report,
    comment_store,
)
from .threads import Order, page_of

RATE_LIMITED = (
    "You are commenting faster than we can read. Please wait %(seconds)s seconds and send your "
    "comment again; it is still here."
)


# Announced to a screen reader (and shown) once the page's script has posted the comment.
POSTED = "Your comment was posted."
AWAITING = "Your comment was posted and is awaiting moderation."

FOREIGN_ORIGIN = (
    "This comment was sent from another site, or your browser did not say where from, so we "
    "did not post it. Your text is still here: send it from this page."
)


def _from_this_site(request) -> bool:
    """Whether the browser says the form was sent from a page of this site.

    Browsers send Origin with every form POST (Referer where an old one does not); a page on
    another site cannot forge either. This is the comment form's cross-site check: its pages
    are cached for everyone, so they carry no per-reader CSRF token.
    """
    origin = request.headers.get("Origin")
    if origin is None and (referer := request.headers.get("Referer")):
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    if not origin or origin == "null":
        return False
    return origin in {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def _wants_json(request) -> bool:
    """The page's script posts with this header; without JavaScript the browser posts a form."""
    return request.headers.get("X-Requested-With") == "fetch"


@require_safe
@never_cache
def form_token(request):
    """A fresh token for the comment form, for this reader (the page's script asks for it)."""
    return JsonResponse({"issued": tokens.issue_token(spam.client_ip(request))})


# Not Django's CSRF check, which needs a per-reader token in the page: the origin check and the
# single-use, reader-bound form token (tokens.py) do its work for a page cached for everyone.
@csrf_exempt
@require_POST
def post_comment(request, article_id):
    """The form checked, then the origin, the reader's pace, the service's rules; a comment
    stored is remembered for its author, a refused one comes back with the text as typed."""
    # With its moderation mode, which every post asks (moderation.article_mode).
    article = get_object_or_404(
        Article.objects.published().select_related("comment_policy"), pk=article_id
    )
    form = CommentForm.for_article(article, request, data=request.POST)
    if not _from_this_site(request):
        form.refuse(ValidationError(FOREIGN_ORIGIN, "origin"))
        return _failure(request, article, form, status=403)
    if form.is_bot:
        # Dropped silently: the bot sees what a person would, and learns nothing.
        return _success(request, article, comment=None)
    if not form.is_valid():
        if form.sent_again is not None:  # the button pressed twice: the first press's comment
            return _accepted(request, article, form, form.sent_again)
        return _failure(request, article, form)
    try:
        comment = _submit(request, article, form)
    except ValidationError as refused:
        form.refuse(refused)
        return _failure(request, article, form)
    return _accepted(request, article, form, comment)


def _submit(request, article, form) -> Comment:
    """The comment checked and made first (reads only); then one write transaction holding
    only writes (on SQLite, one wait for the write lock, held as briefly as it can be): the
    attempt counted against the reader's address and, in a savepoint, the comment stored and
    its token spent. A refused comment (ValidationError) rolls back its savepoint, or is never
    stored; the counted attempt stays."""
    ip_address = spam.client_ip(request)
    data = form.cleaned_data
    refused = None
    try:
        prepared = comment_prepare(
            article=article,
            parent=data["parent"],
            name=data["name"],
            email=data["email"],
            url=data["url"],
            body=data["comment"],
            ip_address=ip_address,
            user_agent=request.headers.get("User-Agent", ""),
            author_comment_ids=session.own_comment_ids(request),
            fill_seconds=tokens.fill_seconds(data["issued"]),
            user=request.user,
        )
    except ValidationError as error:
        prepared, refused = None, error
    with transaction.atomic():
        if wait := spam.rate_limit_wait(ip_address):
            refused = ValidationError(RATE_LIMITED, "rate", {"seconds": wait})
        elif prepared is not None:
            try:
                with transaction.atomic():
                    comment = comment_store(prepared)
                    if not tokens.spend_token(data["issued"], comment):
                        raise ValidationError(tokens.SPENT, "token")
                    if data.get("notify_replies"):
                        replies.subscribe(comment)
                    _remember_author(request, form, comment)
                    # Saved in this transaction, the session costs no write of its own
                    # (newsportal/sessions.py).
                    request.session.save()
                    return comment
            except ValidationError as error:
                refused = error
    raise refused


def _remember_author(request, form, comment) -> None:
    """This browser's claim to its comment (its author sees it while it waits), and the
    author's details if they asked us to keep them."""
    session.remember_own_comment(request, comment.pk)
    details = {key: form.cleaned_data.get(key, "") for key in session.AUTHOR_FIELDS}
    session.save_author(request, details if form.cleaned_data.get("save_details") else None)


def _accepted(request, article, form, comment):
    """The answer to a comment stored (remembered already, unless it was sent again)."""
    _remember_author(request, form, comment)
    response = _success(request, article, comment=comment)
    session.forget_legacy_cookie(request, response)
    return response


def _success(request, article, *, comment):
    if _wants_json(request):
        # The page's script inserts the comment where the reader is; its permalink finds its
        # page only if it is followed (counting the comments before it costs every post).
        target = comment.get_absolute_url() if comment else f"{article.get_absolute_url()}#comments"
        # A bot's dropped comment is announced as a person's would be, in pre-moderation.
        message = POSTED if comment and comment.status == Comment.Status.APPROVED else AWAITING
        html = ""
        if comment is not None:
            html = render_to_string(
                "comments/comment.html",
                {
                    "node": {"comment": comment, "children": [], "editable": True},
                    "comments_open": True,
                    "picks_only": False,
                },
                request=request,
            )
        return JsonResponse({"ok": True, "html": html, "url": target, "message": message})
    if comment is None:
        return HttpResponseRedirect(f"{article.get_absolute_url()}#comments")
    page = page_of(comment, own_ids=session.own_comment_ids(request))
    query = f"?comments={page}" if page > 1 else ""
    return HttpResponseRedirect(f"{article.get_absolute_url()}{query}#comment-{comment.pk}")


def _failure(request, article, form, status=400):
    if _wants_json(request):
        html = render_to_string(
            "comments/form.html", {"form": form, "reply_to": form.reply_to}, request=request
        )
        return JsonResponse({"ok": False, "html": html}, status=status)
    # Without JavaScript: the article page again, with the form as the reader filled it in.
    request.comment_form = form
    response = article_detail(request, slug=article.slug)
    if status != 400:
        response.status_code = status
    return response


@require_safe
@never_cache  # where a comment is changes as others arrive: never kept by a cache
def comment_permalink(request, comment_id):
    """A comment's lasting address: the page of its article that shows it, in the order asked
    for (?order=), at the comment. Only a comment the reader may see: approved, or their own;
    a moderator (the admin's "view on site") is led to any comment's place."""
    own_ids = session.own_comment_ids(request)
    comments = Comment.objects.select_related("article").filter(
        article__in=Article.objects.published()
    )
    if not request.user.has_perm("comments.moderate_comment"):
        comments = comments.visible_to(own_ids)
    comment = get_object_or_404(comments, pk=comment_id)
    order = Order.read(request.GET.get("order"))
    page = page_of(comment, own_ids=own_ids, order=order)
    query = "&".join(
        part for part in (f"comments={page}" if page > 1 else "", Order.query(order)) if part
    )
    target = f"{comment.article.get_absolute_url()}{'?' + query if query else ''}"
    return HttpResponseRedirect(f"{target}#comment-{comment.pk}")


def _own_comment(request, comment_id) -> Comment:
    """A comment this browser wrote (session.py), whatever its status; 404 for any other, so
    that an edit link made up for someone else's comment shows nothing of it."""
    own_ids = session.own_comment_ids(request)
    if comment_id not in own_ids:
        raise Http404("No such comment.")
    return get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)


@csrf_exempt  # the origin check below does its work, as for the comment form
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def edit_comment(request, comment_id):
    """The author changes or deletes their comment, within the edit window."""
    comment = _own_comment(request, comment_id)
    own_ids = session.own_comment_ids(request)
    deleting = request.method == "POST" and "delete" in request.POST
    form = AuthorEditForm(
        request.POST if request.method == "POST" and not deleting else None,
        initial={"comment": comment.body},
    )
    if request.method == "POST":
        try:
            if not _from_this_site(request):
                raise ValidationError(FOREIGN_ORIGIN, "origin")
            if deleting:
                comment_author_delete(comment=comment, own_comment_ids=own_ids)
                return HttpResponseRedirect(f"{comment.article.get_absolute_url()}#comments")
            if form.is_valid():
                comment = comment_author_edit(
                    comment=comment,
                    body=form.cleaned_data["comment"],
                    own_comment_ids=own_ids,
                    ip_address=spam.client_ip(request),
                )
                return HttpResponseRedirect(comment.get_absolute_url())
        except ValidationError as error:
            form.add_error(None, error)
    context = {
        "comment": comment,
        "form": form,
        "editable": comment.editable_by_author(own_ids),
        "minutes": setting("COMMENTS_EDIT_WINDOW_SECONDS") // 60,
    }
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "comments/edit.html", context, status=status)


REPORTED = "Thank you. A moderator will look at this comment."
REPORTING_TOO_FAST = (
    "You are sending reports faster than we can read them. Please wait %(seconds)s seconds."
)


def _reader_key(request) -> str:
    """Who is reporting, as a keyed hash of their address: once per reader, never stored."""
    key = salted_hmac("comments.report", spam.client_ip(request) or "unknown", algorithm="sha256")
    return key.hexdigest()


@csrf_exempt  # the origin check below does its work, as for the comment form
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def report_comment(request, comment_id):
    """A reader reports an approved comment: this page without JavaScript, the comment's own
    "Report" form with it (answered in JSON)."""
    comment = get_object_or_404(
        Comment.objects.select_related("article").filter(article__in=Article.objects.published()),
        pk=comment_id,
    )
    shown = comment.status == Comment.Status.APPROVED
    if request.method == "GET" and not shown:
        raise Http404("No such comment.")  # a held comment's text stays with the moderators
    form = ReportForm(request.POST if request.method == "POST" else None)
    done = False
    if request.method == "POST":
        if not _from_this_site(request):
            form.is_valid()
            form.add_error(None, ValidationError(FOREIGN_ORIGIN, "origin"))
        elif form.is_valid():
            wait = spam.report_rate_wait(spam.client_ip(request))
            try:
                if wait:
                    raise ValidationError(REPORTING_TOO_FAST, "rate", {"seconds": wait})
                comment_report(
                    comment=comment,
                    reader=_reader_key(request),
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    own_comment_ids=session.own_comment_ids(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                done = True
    if _wants_json(request):
        if done:
            return JsonResponse({"ok": True, "message": REPORTED})
        problems = [str(message) for messages in form.errors.values() for message in messages]
        return JsonResponse({"ok": False, "message": " ".join(problems)}, status=400)
    status = 400 if request.method == "POST" and not done else 200
    context = {
        "comment": comment,
        "form": form,
        "done": done,
        "reported_message": REPORTED,
        "can_be_reported": comment.can_be_reported,
        "show_comment": shown or done,
    }
    return TemplateResponse(request, "comments/report.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def confirm_replies(request, token):
    """The link in the confirmation mail: a page with one button (a mail scanner that follows
    links does not confirm anything by opening it)."""
    subscription = replies.subscription_for(token, confirming=True)
    if subscription is None:
        raise Http404("This link is not valid, or more than a week old.")
    if request.method == "POST":
        replies.confirm(subscription)
    context = {"subscription": subscription, "confirmed": subscription.confirmed_at is not None}
    return TemplateResponse(request, "comments/replies_confirm.html", context)


@csrf_exempt  # mail clients post RFC 8058's one-click form; the signed link is the proof
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def unsubscribe_replies(request, token):
    """No more mail about replies: to this comment, or (a button) to anything, ever."""
    subscription = replies.subscription_for(token, confirming=False)
    if subscription is None:
        raise Http404("This link is not valid.")
    if request.method == "POST":
        replies.unsubscribe(subscription, everything=request.POST.get("all") == "1")
        subscription.refresh_from_db()
    context = {
        "subscription": subscription,
        "opted_out": ReplyOptOut.objects.filter(email=subscription.email).exists(),
    }
    return TemplateResponse(request, "comments/replies_unsubscribe.html", context)
