"""What the site remembers for a reader's browser: their own comments and, if asked, their details.

Both live in the server-side session (the browser holds only the session id), so nothing a
reader typed travels in a cookie, and both last as long as the session: SESSION_COOKIE_AGE (two
weeks) after the reader's last comment.
"""

OWN_COMMENTS_KEY = "comments_own"
OWN_COMMENTS_LIMIT = 100
AUTHOR_KEY = "comments_author"
AUTHOR_FIELDS = ("name", "email", "url")
# Earlier versions kept the details in this signed (readable) cookie; it is removed on sight.
LEGACY_AUTHOR_COOKIE = "comment_author"


def own_comment_ids(request) -> list[int]:
    """Ids of comments posted from this browser's session (the only proof of authorship)."""
    if not hasattr(request, "session"):
        return []
    return list(request.session.get(OWN_COMMENTS_KEY, []))


def remember_own_comment(request, comment_id: int) -> None:
    ids = own_comment_ids(request)
    if comment_id not in ids:  # the same form sent twice (tokens.comment_sent_again)
        request.session[OWN_COMMENTS_KEY] = [*ids, comment_id][-OWN_COMMENTS_LIMIT:]


def saved_author(request) -> dict:
    """The name, email and website the reader asked us to remember, if any."""
    if not hasattr(request, "session"):
        return {}
    details = request.session.get(AUTHOR_KEY)
    if not isinstance(details, dict):
        return {}
    return {key: str(details.get(key, ""))[:250] for key in AUTHOR_FIELDS}


def save_author(request, details: dict | None) -> None:
    """Remember (or, with None, forget) the reader's details for their next comment."""
    if details is None:
        request.session.pop(AUTHOR_KEY, None)
    else:
        request.session[AUTHOR_KEY] = {key: details.get(key, "") for key in AUTHOR_FIELDS}


def forget_legacy_cookie(request, response) -> None:
    if LEGACY_AUTHOR_COOKIE in request.COOKIES:
        response.delete_cookie(LEGACY_AUTHOR_COOKIE)
