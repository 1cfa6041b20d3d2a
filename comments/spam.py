"""Request-level spam checks that need no third party: honeypot, fill time, rate, repeats."""

import ipaddress

from django.core import signing
from django.utils import timezone

from .conf import setting
from .models import Comment, body_fingerprint
from .throttle import throttle_wait

_SALT = "comments.form-issued"


def issue_token() -> str:
    """A signed timestamp saying when the form was shown."""
    return signing.TimestampSigner(salt=_SALT).sign(str(int(timezone.now().timestamp())))


def token_problem(token: str) -> str | None:
    """None if the form was shown long enough ago and not too long ago; else a message."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        issued = int(signer.unsign(token or "", max_age=setting("COMMENTS_MAX_FORM_AGE_SECONDS")))
    except signing.SignatureExpired:
        return (
            "This form was opened more than a day ago, so we could not accept it as it was. "
            "Your comment is still here: please send it again."
        )
    except (signing.BadSignature, ValueError):
        return "We could not check this form. Your comment is still here: please send it again."
    if timezone.now().timestamp() - issued < setting("COMMENTS_MIN_FILL_SECONDS"):
        return "That was quicker than we expected. Please check your comment and send it again."
    return None


def client_ip(request) -> str | None:
    """The reader's IP address: the connection's, or the one the trusted proxies saw.

    Only the addresses appended by our own proxies are believed; anything further left in
    X-Forwarded-For was written by the client and could be forged.
    """
    proxies = setting("COMMENTS_TRUSTED_PROXIES")
    address = request.META.get("REMOTE_ADDR") or None
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def rate_limit_wait(ip: str | None) -> int:
    """Count one comment attempt from `ip`: 0 if it may go ahead, else seconds to wait."""
    return throttle_wait(
        scope="comment",
        client=ip or "",
        limit=setting("COMMENTS_RATE_LIMIT"),
        window=setting("COMMENTS_RATE_WINDOW_SECONDS"),
    )


def is_duplicate(*, article_id: int, email: str, body: str) -> bool:
    """The same words from the same email on the same article, already stored (spacing, case,
    punctuation and invisible characters aside)."""
    return Comment.objects.filter(
        article_id=article_id, email__iexact=email.strip(), body_fingerprint=body_fingerprint(body)
    ).exists()
