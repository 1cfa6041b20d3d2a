"""Request-level spam checks that need no third party: the reader's address, rate, repeats.

(The honeypot is a field of the form; the fill-time token is in tokens.py.)"""

import ipaddress

from .conf import setting
from .models import Comment, body_fingerprint
from .throttle import throttle_wait


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


def report_rate_wait(ip: str | None) -> int:
    """Count one report from `ip`: 0 if it may go ahead, else seconds to wait."""
    return throttle_wait(
        scope="report",
        client=ip or "",
        limit=setting("COMMENTS_REPORT_RATE_LIMIT"),
        window=setting("COMMENTS_RATE_WINDOW_SECONDS"),
    )


def is_duplicate(*, article_id: int, email: str, body: str) -> bool:
    """The same words from the same email on the same article, already stored (spacing, case,
    punctuation and invisible characters aside)."""
    return Comment.objects.filter(
        article_id=article_id, email__iexact=email.strip(), body_fingerprint=body_fingerprint(body)
    ).exists()
