"""The comments app's policies: every setting named and defaulted here, once.

Any of them can be overridden in Django settings under the same name; `setting()` reads them at
use, so tests and deployments can change them without touching code.
"""

from django.conf import settings

DEFAULTS = {
    # "pre": every comment waits for a moderator; "known": an author whose earlier comment from
    # the same browser (session) was approved, under the same e-mail, is approved at once (an
    # e-mail alone proves nothing: anyone can type a regular's address); "closed": no new
    # comments. Articles can override it.
    "COMMENTS_MODERATION": "pre",
    # Close comments this many days after publication; None keeps them open.
    "COMMENTS_CLOSE_AFTER_DAYS": None,
    "COMMENTS_MAX_DEPTH": 3,
    "COMMENTS_PER_PAGE": 50,
    # Spam checks: a form sent sooner than this after it was shown is a bot's; one older than
    # the maximum age is refused politely; an IP address may post RATE_LIMIT per window.
    "COMMENTS_MIN_FILL_SECONDS": 3,
    # A reader confirming on the one-time step (tokens.py) presses the button again at once.
    "COMMENTS_MIN_CONFIRM_SECONDS": 1,
    "COMMENTS_MAX_FORM_AGE_SECONDS": 24 * 60 * 60,
    "COMMENTS_RATE_LIMIT": 5,
    "COMMENTS_RATE_WINDOW_SECONDS": 60,
    # How many reverse proxies (load balancer, CDN) stand in front of the site and append to
    # X-Forwarded-For. 0 trusts nothing but the connection's own address, which is right when
    # browsers connect directly; behind one proxy every reader would otherwise share its IP.
    "COMMENTS_TRUSTED_PROXIES": 0,
    # More links than this holds a comment for review.
    "COMMENTS_MAX_LINKS": 2,
    "COMMENTS_IP_RETENTION_DAYS": 90,
    # Moderators get one mail per this window, however many comments arrive in it.
    "COMMENTS_NOTIFY_DELAY_SECONDS": 300,
    # The spam filter the moderators' decisions train (learning.py) guesses only once it has
    # learned from this many comments judged spam and as many approved.
    "COMMENTS_SPAM_FILTER_MIN_DECISIONS": 10,
    # A comment the filter finds at least this likely to be spam is held ("likely spam"),
    # whatever the moderation mode; at least the second, it goes to spam.
    "COMMENTS_SPAM_HOLD_LIKELIHOOD": 0.7,
    "COMMENTS_SPAM_LIKELIHOOD": 0.98,
    # This many readers' reports hide an approved comment until a moderator looks at it.
    "COMMENTS_REPORTS_TO_HIDE": 3,
    # Reports an IP address may send per COMMENTS_RATE_WINDOW_SECONDS.
    "COMMENTS_REPORT_RATE_LIMIT": 10,
    # A comment's author may edit or delete it from the same browser for this long.
    "COMMENTS_EDIT_WINDOW_SECONDS": 10 * 60,
    # Replies approved within this window go to their parent's author in one mail.
    "COMMENTS_REPLY_NOTIFY_DELAY_SECONDS": 120,
    # A reply mail that could not be sent is tried again this much later.
    "COMMENTS_REPLY_RETRY_SECONDS": 600,
}

# WordPress's limits (wp_get_comment_fields_max_lengths in wp-includes/comment.php).
MAX_BODY_LENGTH = 65525
MAX_NAME_LENGTH = 245
MAX_EMAIL_LENGTH = 100
MAX_URL_LENGTH = 200


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
