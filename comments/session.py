"""What a reader's browser remembers: their own pending comments and, if asked, their details."""

from django.core import signing

OWN_COMMENTS_KEY = "comments_own"
OWN_COMMENTS_LIMIT = 100
AUTHOR_COOKIE = "comment_author"
AUTHOR_COOKIE_SALT = "comments.author"
AUTHOR_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def own_comment_ids(request) -> list[int]:
    """Ids of comments posted from this browser's session (the only proof of authorship)."""
    if not hasattr(request, "session"):
        return []
    return list(request.session.get(OWN_COMMENTS_KEY, []))


def remember_own_comment(request, comment_id: int) -> None:
    ids = [*own_comment_ids(request), comment_id][-OWN_COMMENTS_LIMIT:]
    request.session[OWN_COMMENTS_KEY] = ids


def saved_author(request) -> dict:
    """The name, email and website the reader asked us to remember, if any."""
    try:
        saved = request.get_signed_cookie(
            AUTHOR_COOKIE, salt=AUTHOR_COOKIE_SALT, max_age=AUTHOR_COOKIE_MAX_AGE
        )
        details = signing.loads(saved, salt=AUTHOR_COOKIE_SALT)
    except (KeyError, signing.BadSignature, ValueError):
        return {}
    if not isinstance(details, dict):
        return {}
    return {key: str(details.get(key, ""))[:250] for key in ("name", "email", "url")}


def save_author(request, response, details: dict | None) -> None:
    """Remember (or, with None, forget) the reader's details in a signed, HTTP-only cookie."""
    if details is None:
        response.delete_cookie(AUTHOR_COOKIE)
        return
    response.set_signed_cookie(
        AUTHOR_COOKIE,
        signing.dumps(details, salt=AUTHOR_COOKIE_SALT),
        salt=AUTHOR_COOKIE_SALT,
        max_age=AUTHOR_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
