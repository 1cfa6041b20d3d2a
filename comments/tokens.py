"""The comment form's token: when a reader was given the form, for whom, and used once.

Pages are served to thousands from the front cache, so the page itself carries no token. The
page's script asks `/comments/token/` for one when the reader starts on the form; a reader
without JavaScript gets one on a one-time "confirm" step (a returning commenter, whose pages
are personal and never cached, gets it in the page). A token is

- signed, with the time it was issued: a form sent too soon after is a bot's, one older than a
  day is refused politely;
- bound to the reader's address (a keyed hash of it): a token handed to one client is worth
  nothing to another;
- single-use: its nonce is recorded with the comment it let in, so one token cannot carry a
  second post (one token carried fifteen, before).
"""

import secrets
from datetime import timedelta

from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from newsportal.inserts import insert_unless_present

from .conf import setting
from .models import SpentFormToken

_SALT = "comments.form-token"
CONFIRM = (
    "One more step: please press “Post Comment” again to send your comment. We ask this once, "
    "to keep automated spam out."
)
EXPIRED = (
    "This form was opened more than a day ago, so we could not accept it as it was. "
    "Your comment is still here: please send it again."
)
UNREADABLE = "We could not check this form. Your comment is still here: please send it again."
TOO_QUICK = "That was quicker than we expected. Please check your comment and send it again."
SPENT = (
    "This form was already used to send a comment. Your comment is still here: please send "
    "it again."
)


def _reader(client_address: str | None) -> str:
    return salted_hmac(_SALT, client_address or "unknown", algorithm="sha256").hexdigest()[:24]


def issue_token(client_address: str | None, *, confirm: bool = False) -> str:
    """A token for the reader at `client_address`, issued now."""
    payload = {
        "n": secrets.token_urlsafe(12),
        "r": _reader(client_address),
        "t": int(timezone.now().timestamp()),
        "c": int(confirm),
    }
    return signing.TimestampSigner(salt=_SALT).sign_object(payload)


def token_problem(token: str, client_address: str | None) -> str | None:
    """None if `token` was issued to this reader, long enough ago and not too long; else what
    to tell them."""
    if not token:
        return CONFIRM
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        payload = signer.unsign_object(token, max_age=setting("COMMENTS_MAX_FORM_AGE_SECONDS"))
        issued = int(payload["t"])
    except signing.SignatureExpired:
        return EXPIRED
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return UNREADABLE
    if not constant_time_compare(str(payload.get("r", "")), _reader(client_address)):
        return UNREADABLE
    minimum = setting(
        "COMMENTS_MIN_CONFIRM_SECONDS" if payload.get("c") else "COMMENTS_MIN_FILL_SECONDS"
    )
    if timezone.now().timestamp() - issued < minimum:
        return TOO_QUICK
    # Spent or not is found by spending it (spend_token), in the post's write: a query fewer on
    # every post, and no window between a look and the spending.
    return None


def _nonce(token: str) -> str:
    return str(signing.TimestampSigner(salt=_SALT).unsign_object(token).get("n", ""))


def fill_seconds(token: str) -> float | None:
    """How long the reader took between the form's showing and its sending; None for a
    confirmation step's token (it times the confirming) or one that cannot be read."""
    try:
        payload = signing.TimestampSigner(salt=_SALT).unsign_object(token)
        issued = int(payload["t"])
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None
    return None if payload.get("c") else max(0.0, timezone.now().timestamp() - issued)


def spend_token(token: str, comment) -> bool:
    """Record `token` as used, by `comment` (within the caller's transaction); False if it
    already was."""
    expires = timezone.now() + timedelta(seconds=setting("COMMENTS_MAX_FORM_AGE_SECONDS"))
    if not insert_unless_present(
        SpentFormToken, nonce=_nonce(token), expires_at=expires, comment_id=comment.pk
    ):
        return False
    # Tokens past their age are refused anyway; their nonces need not be kept. Forgotten by
    # about one post in fifty, so that concurrent posts do not all queue to delete them.
    if secrets.randbelow(50) == 0:
        SpentFormToken.objects.filter(expires_at__lt=timezone.now()).delete()
    return True


def comment_sent_again(token: str, *, article_id: int, body: str):
    """The comment `token` let in, if this is that same comment sent again to the same
    article (a retry whose first answer was lost); else None."""
    try:
        spent = SpentFormToken.objects.select_related("comment").get(nonce=_nonce(token))
    except (SpentFormToken.DoesNotExist, signing.BadSignature, ValueError, TypeError):
        return None
    comment = spent.comment
    if comment and comment.article_id == article_id and comment.body == body:
        return comment
    return None
