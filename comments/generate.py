"""Generated reader comments, threaded, under the published articles: `manage.py generate_content`.

Additive: every run adds `count` comments. They are spread over the published articles the way
readers spread them (most articles get a few, a handful get hundreds), each after its article's
publication, most within a day of it. Replies answer only approved comments that may take
replies (`COMMENTS_MAX_DEPTH`). Ids follow the time of posting, as they do on a live site.

Rows are stored in bulk (COPY on PostgreSQL), which skips `Comment.save()`, so what it derives
is filled here the same way: the body's fingerprint (as `models.body_fingerprint`), each
comment's `thread` (its top-level comment, itself for a top-level one) and `depth`; ids are
chosen here, so a reply can name its parent and thread before they are stored. Moderators'
decisions are not generated: the log starts empty.
"""

import hashlib
import random
from array import array
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from articles.generate import words
from articles.models import Article
from newsportal.bulk_load import (
    Progress,
    lock_for_loading,
    next_id,
    no_progress,
    reset_sequences,
    store,
    times_as_given,
)

from . import text
from .conf import setting
from .models import Comment, HoldReason

# (status, share in per cent). Replies are written only to approved comments.
STATUSES = [
    (Comment.Status.APPROVED, 90),
    (Comment.Status.PENDING, 1),
    (Comment.Status.SPAM, 5),
    (Comment.Status.REJECTED, 4),
]
SHARE_REPLIES = 0.55
# A reader answers one of the latest few comments, not one from three days of discussion ago.
REPLY_REACH = 8
# Half a day: most of an article's comments come on the day it is published.
MEAN_DELAY_HOURS = 12
READERS = 20_000
SENTENCE_POOL = 5_000
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537",
]
OPINIONS = [
    "I agree with every word of this",
    "This is the first sensible thing I have read about it",
    "Nobody in {place} was asked about the {object}",
    "The {object} has been promised for years and nothing happens",
    "Good reporting, thank you",
    "My family has lived in {place} for forty years and we have never seen anything like it",
    "Who is going to pay for the {object}",
    "The article leaves out what the {subject} said last year",
    "Can someone explain why the {object} costs so much",
    "I was at the meeting and it was not like that at all",
    "This will {effect}, whatever the critics say",
    "Fine words, but what about {concern}",
    "The {subject} never listen",
    "Finally some good news for {place}",
    "I worked on something like the {object} elsewhere and it went well",
    "Let us wait for the figures before we judge",
]
REPLIES = [
    "I think you are missing the point",
    "Exactly what I was going to say",
    "Do you have a source for that",
    "That is not what the article says",
    "Fair point, I had not thought of that",
    "We had the same problem in {place}",
    "Agreed, but {concern} is the real issue",
    "Thanks, that is useful to know",
]
SPAM = [
    "Cheap watches and bags at http://deals.example.com/shop http://deals.example.com/sale",
    "Earn 5000 a week from home, click http://money.example.com/now",
    "Best casino bonus http://casino.example.com visit now http://casino.example.com/win",
    "Great article! Visit my site http://seo.example.com/links for more",
]
SPAM_RULES = [
    (HoldReason.BLOCKED_WORD, "casino"),
    (HoldReason.LINKS, "3 links"),
    (HoldReason.BLOCKED_DOMAIN, "example.com"),
]


@dataclass
class CommentRun:
    comments: int
    articles: int
    threads: int
    replies: int
    by_status: dict[str, int]
    first_id: int

    def __str__(self):
        statuses = ", ".join(f"{n:,} {status}" for status, n in self.by_status.items())
        return (
            f"{self.comments:,} comments on {self.articles:,} articles: {self.threads:,} "
            f"threads, {self.replies:,} replies ({statuses})"
        )


class NothingToCommentOn(Exception):
    """Comments need published articles to go under."""


def generate_comments(
    *,
    count: int,
    seed: int = 0,
    now: datetime | None = None,
    batch_size: int = 5000,
    progress: Progress = no_progress,
) -> CommentRun:
    """Add `count` threaded comments to the articles published by `now`. One transaction."""
    now = now or timezone.now()
    with transaction.atomic(), times_as_given(Comment):
        lock_for_loading(Comment)
        articles = list(
            Article.objects.published(now=now).order_by("pk").values_list("pk", "published_at")
        )
        if count and not articles:
            raise NothingToCommentOn("There are no published articles to comment on.")
        first_id = next_id(Comment)
        rng = random.Random(f"comments:{seed}:{first_id}")
        plan = _Discussions(rng, now=now, max_depth=setting("COMMENTS_MAX_DEPTH"))
        plan.spread(count, articles)
        writer = _CommentWriter(rng)
        run = CommentRun(
            comments=0,
            articles=len(set(plan.article)),
            threads=0,
            replies=0,
            by_status=dict.fromkeys(Comment.Status.values, 0),
            first_id=first_id,
        )
        order = sorted(range(len(plan.posted)), key=plan.posted.__getitem__)
        id_of = array("q", bytes(8 * len(order)))
        for rank, index in enumerate(order):
            id_of[index] = first_id + rank
        retention = now - timedelta(days=setting("COMMENTS_IP_RETENTION_DAYS"))
        notify_delay = timedelta(seconds=setting("COMMENTS_NOTIFY_DELAY_SECONDS"))
        progress(0, count)
        for start in range(0, len(order), batch_size):
            batch = []
            for index in order[start : start + batch_size]:
                status = STATUSES[plan.status[index]][0]
                parent = plan.parent[index]
                created_at = datetime.fromtimestamp(plan.posted[index], tz=UTC)
                comment = writer.comment(
                    id=id_of[index],
                    article_id=plan.article[index],
                    parent_id=id_of[parent] if parent >= 0 else None,
                    thread_id=id_of[plan.thread[index]],
                    depth=plan.depth[index],
                    status=status,
                    created_at=created_at,
                    keep_ip=created_at >= retention,
                )
                # Moderators were mailed about every generated pending comment already.
                if status == Comment.Status.PENDING:
                    comment["notified_at"] = min(created_at + notify_delay, now)
                batch.append(comment)
                run.by_status[status] += 1
                run.threads += parent < 0
            store(Comment, batch)
            run.comments += len(batch)
            progress(run.comments, count)
        run.replies = run.comments - run.threads
        reset_sequences(Comment)
    return run


class _Discussions:
    """Who answered whom, when, and how each comment was moderated: numbers only, in arrays
    (a million comments' worth fits in a few tens of megabytes)."""

    def __init__(self, rng: random.Random, *, now: datetime, max_depth: int):
        self.rng = rng
        self.now = now.timestamp()
        # A comment at depth d may be answered while d + 1 < max_depth (Comment.can_be_replied_to).
        self.deepest_parent = max_depth - 2
        self.article = array("q")
        self.posted = array("d")
        self.parent = array("q")
        self.thread = array("q")
        self.depth = array("b")
        self.status = array("b")
        self.status_weights = [share for _status, share in STATUSES]

    def spread(self, count: int, articles: list[tuple[int, datetime]]) -> None:
        """Share `count` comments among `articles`: heavy-tailed, as readers do."""
        rng = self.rng
        appeal = [min(rng.paretovariate(1.1), 1000.0) for _ in articles]
        total = sum(appeal)
        shares = [int(count * weight / total) for weight in appeal]
        for _ in range(count - sum(shares)):
            shares[rng.randrange(len(articles))] += 1
        for (article_id, published_at), share in zip(articles, shares, strict=True):
            if share:
                self.discussion(article_id, published_at.timestamp(), share)

    def discussion(self, article_id: int, published: float, count: int) -> None:
        rng = self.rng
        window = max(self.now - published, 1.0)
        times = []
        for _ in range(count):
            delay = rng.expovariate(1 / (MEAN_DELAY_HOURS * 3600))
            times.append(published + (delay if delay < window else rng.random() * window))
        times.sort()
        answerable: list[int] = []  # indexes of approved comments that may take replies
        for when in times:
            index = len(self.posted)
            if index and self.article[-1] == article_id and when <= self.posted[-1]:
                when = self.posted[-1] + 0.001  # strictly after the comment before it
            status = rng.choices(range(len(STATUSES)), weights=self.status_weights)[0]
            if answerable and rng.random() < SHARE_REPLIES:
                parent = rng.choice(answerable[-REPLY_REACH:])
                depth = self.depth[parent] + 1
                thread = self.thread[parent]
            else:
                parent, depth, thread = -1, 0, index
            self.article.append(article_id)
            self.posted.append(when)
            self.parent.append(parent)
            self.thread.append(thread)
            self.depth.append(depth)
            self.status.append(status)
            if STATUSES[status][0] == Comment.Status.APPROVED and depth <= self.deepest_parent:
                answerable.append(index)


class _CommentWriter:
    """Names, addresses and words of readers, from the word lists."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.readers = [self._reader(n) for n in range(READERS)]
        self.opinions = [self._sentence(OPINIONS) for _ in range(SENTENCE_POOL)]
        self.answers = [self._sentence(REPLIES) for _ in range(SENTENCE_POOL // 5)]
        # A body's fingerprint is its sentences' run together (text.fingerprint keeps letters
        # and digits only, so the spaces between them drop out): each sentence is read once.
        self.fingerprints = {
            sentence: text.fingerprint(sentence)
            for sentence in [*self.opinions, *self.answers, *SPAM]
        }

    def _reader(self, n: int) -> tuple[str, str, str]:
        first, last = self.rng.choice(words.FIRST_NAMES), self.rng.choice(words.LAST_NAMES)
        website = f"https://{first}{last}.example.net/".lower() if self.rng.random() < 0.1 else ""
        return f"{first} {last}", f"{first}.{last}{n}@example.org".lower(), website

    def _sentence(self, templates: list[str]) -> str:
        rng = self.rng
        text = rng.choice(templates).format(
            place=rng.choice(words.PLACES),
            object=rng.choice(words.OBJECTS),
            subject=rng.choice(words.SUBJECTS),
            effect=rng.choice(words.EFFECTS),
            concern=rng.choice(words.CONCERNS),
        )
        return text + ("?" if text.startswith(("Who", "Can", "Do ")) else ".")

    def comment(self, *, status, parent_id, keep_ip, **fields) -> dict:
        rng = self.rng
        # Regulars write most of the comments.
        name, email, website = self.readers[int(READERS * rng.random() ** 3)]
        held_reason, held_detail = "", ""
        if status == Comment.Status.SPAM:
            sentences = [rng.choice(SPAM)]
            held_reason, held_detail = rng.choice(SPAM_RULES)
        else:
            pool = self.answers if parent_id and rng.random() < 0.5 else self.opinions
            sentences = rng.choices(pool, k=rng.choice((1, 1, 2, 2, 3, 4)))
            if status != Comment.Status.APPROVED or rng.random() < 0.8:
                held_reason = HoldReason.PRE_MODERATION
        body = " ".join(sentences)
        fingerprint = "".join(self.fingerprints[sentence] for sentence in sentences)
        return {
            "parent_id": parent_id,
            "name": name,
            "email": email,
            "url": website,
            "body": body,
            # What Comment.save() stores: models.body_fingerprint(body).
            "body_fingerprint": hashlib.sha256(fingerprint.encode()).hexdigest(),
            "status": status,
            "held_reason": held_reason,
            "held_detail": held_detail,
            "ip_address": f"203.0.113.{rng.randrange(1, 255)}" if keep_ip else None,
            "user_agent": rng.choice(USER_AGENTS),
            "notified_at": None,
            **fields,
        }
