"""The spam filter this site's moderators train (#11): every decision teaches it, no third party
sees a comment, and each guess comes with its reasons.

A comment is read as a set of signals: its words, the domains it links to, how many links, the
e-mail's domain, the name, what its author's earlier comments here became, how fast the form
was filled in. For each signal the filter keeps how many comments showing it the moderators
judged spam (marked spam or rejected) and how many they approved (SpamSignal); a new comment's
likelihood of being spam is naive Bayes over the signals that weigh most, the spam filters'
classic (Graham, "A Plan for Spam"; SpamBayes; Bogofilter).

Why counts in a table and not scikit-learn or river: those keep a model in memory, saved by
pickling (which the issue forbids: a stored pickle runs code when loaded) or as whole arrays
rewritten after each decision (a megabyte per click, two moderators overwriting each other).
Counts are changed by one UPDATE per decision, shared at once by every worker and server, and
explain themselves.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from .conf import setting
from .models import Comment, ModerationDecision, SpamSignal
from .text import BIDI_CONTROLS, INVISIBLE, count_links, link_hosts

# What a moderator's decision says about a comment.
SPAM, HAM = "spam", "ham"
LABELS = {Comment.Status.APPROVED: HAM, Comment.Status.SPAM: SPAM, Comment.Status.REJECTED: SPAM}

WORD = re.compile(r"\w{2,24}")
MAX_WORDS = 300  # a long comment's first distinct words are enough to judge it
STRONGEST = 15  # signals that make up a guess: the rest are noise for naive Bayes
REASONS_SHOWN = 5
FILL_TIMES = [(10, "under 10 s"), (30, "under 30 s"), (120, "under 2 min"), (600, "under 10 min")]


def signals_of(
    *, name: str, email: str, url: str, body: str, history=None, fill_seconds=None
) -> list[str]:
    """The comment's signals, each a short string ("word:casino", "link:pills.example"…).

    `history` ({status: count} of the author's earlier comments here) and `fill_seconds` are
    known when a comment arrives; a comment read later (a retrain, an import) has neither.
    """
    visible = "".join(c for c in body if c not in INVISIBLE and c not in BIDI_CONTROLS)
    signals: dict[str, None] = {}  # in order, once each
    for word in WORD.findall(visible.casefold()):
        if not word.isdigit() and len(signals) < MAX_WORDS:
            signals[f"word:{word}"] = None
    hosts = link_hosts(visible)
    if website := urlsplit(url.strip()).hostname:
        hosts.append(website.lower().removeprefix("www."))
        signals["website"] = None
    for host in hosts:
        signals[f"link:{host}"] = None
    links = count_links(visible)
    signals[f"links:{min(links, 3)}"] = None
    if domain := email.rpartition("@")[2].strip().lower():
        signals[f"email:{domain}"] = None
    if folded := " ".join(name.casefold().split()):
        signals[f"name:{folded[:100]}"] = None
        if link_hosts(name):
            signals["name-link"] = None
        if any(char.isdigit() for char in name):
            signals["name-digits"] = None
    if history is not None:
        if not any(history.values()):
            signals["history:new"] = None
        for status in (Comment.Status.APPROVED, Comment.Status.SPAM, Comment.Status.REJECTED):
            if history.get(status):
                signals[f"history:{status}"] = None
    if fill_seconds is not None:
        bucket = next((label for limit, label in FILL_TIMES if fill_seconds < limit), "slower")
        signals[f"fill:{bucket}"] = None
    return [signal[:120] for signal in signals]


def signals_of_comment(comment: Comment) -> list[str]:
    """A stored comment's signals: those seen when it arrived, or read from it now."""
    return comment.spam_signals or signals_of(
        name=comment.name, email=comment.email, url=comment.url, body=comment.body
    )


def author_history(email: str) -> dict[str, int]:
    """{status: count} of the comments stored under this e-mail, whatever its case."""
    return Comment.objects.history_by_email([email]).get(email.strip().lower(), {})


def describe(signal: str) -> str:
    """A signal as a moderator reads it."""
    kind, _, value = signal.partition(":")
    history = {
        "new": "first comment here",
        Comment.Status.APPROVED: "approved here before",
        Comment.Status.SPAM: "marked spam here before",
        Comment.Status.REJECTED: "rejected here before",
    }
    return {
        "word": f"“{value}”",
        "link": f"links to {value}",
        "links": f"{value}{'+' if value == '3' else ''} link{'' if value == '1' else 's'}",
        "email": f"e-mail at {value}",
        "name": f"name “{value}”",
        "name-link": "a link in the name",
        "name-digits": "digits in the name",
        "website": "gives a website",
        "history": history.get(value, value),
        "fill": f"form filled in {value}",
    }.get(kind, signal)


def percent(likelihood: float) -> str:
    """A likelihood as a moderator reads it: never a certain 0% or 100%."""
    if likelihood >= 0.995:
        return "over 99%"
    if likelihood < 0.005:
        return "under 1%"
    return f"{likelihood:.0%}"


@dataclass(frozen=True)
class Guess:
    """The filter's guess: None while it has too few decisions to learn from."""

    likelihood: float | None
    reasons: list[tuple[str, float]]  # (signal, weight): positive towards spam

    @property
    def summary(self) -> str:
        """'93%: “casino”, links to pills.example'"""
        if self.likelihood is None:
            return ""
        towards = [describe(signal) for signal, weight in self.reasons if weight > 0][:3]
        return percent(self.likelihood) + (f": {', '.join(towards)}" if towards else "")


@dataclass(frozen=True)
class Knowledge:
    spam: int
    ham: int

    @property
    def enough(self) -> bool:
        least = setting("COMMENTS_SPAM_FILTER_MIN_DECISIONS")
        return self.spam >= least and self.ham >= least


def knowledge() -> Knowledge:
    total = SpamSignal.objects.filter(signal=SpamSignal.TOTAL).first()
    return Knowledge(max(total.spam, 0), max(total.ham, 0)) if total else Knowledge(0, 0)


def guess(signals: list[str]) -> Guess:
    """How likely a comment with these signals is spam, and the signals that weighed most."""
    counts = {
        row.signal: (max(row.spam, 0), max(row.ham, 0))
        for row in SpamSignal.objects.filter(signal__in=[SpamSignal.TOTAL, *signals])
    }
    spam_total, ham_total = counts.pop(SpamSignal.TOTAL, (0, 0))
    if not Knowledge(spam_total, ham_total).enough:
        return Guess(None, [])
    weights = []
    for signal in signals:
        spam, ham = counts.get(signal, (0, 0))
        if spam + ham:  # a signal never seen says nothing either way
            # How much likelier the signal is in spam than in approved comments (Laplace).
            weight = math.log((spam + 1) / (spam_total + 2)) - math.log((ham + 1) / (ham_total + 2))
            weights.append((signal, weight))
    weights.sort(key=lambda item: abs(item[1]), reverse=True)
    strongest = weights[:STRONGEST]
    odds = math.log(spam_total / ham_total) + sum(weight for _, weight in strongest)
    likelihood = 1 / (1 + math.exp(-max(-50.0, min(50.0, odds))))
    reasons = [(signal, round(weight, 2)) for signal, weight in strongest[:REASONS_SHOWN]]
    return Guess(likelihood, reasons)


# --- learning ----------------------------------------------------------------------------------


def learn(comment: Comment) -> None:
    """Teach the filter what the comment's status now says (a moderator's decision, or its
    undoing), forgetting what it learned from the comment before. Within the caller's
    transaction, with the comment's row locked by it."""
    wanted = LABELS.get(comment.status, "")
    if wanted == comment.learned_as:
        return
    signals = signals_of_comment(comment)
    _count(signals, comment.learned_as, -1)
    _count(signals, wanted, +1)
    Comment.objects.filter(pk=comment.pk).update(learned_as=wanted)
    comment.learned_as = wanted


def _count(signals: list[str], label: str, step: int) -> None:
    if not label:
        return
    rows = [SpamSignal.TOTAL, *signals]
    # Two statements whatever two moderators do at once: rows made if missing, then counted
    # in place (never read, changed and written back over the other's change).
    SpamSignal.objects.bulk_create([SpamSignal(signal=s) for s in rows], ignore_conflicts=True)
    SpamSignal.objects.filter(signal__in=rows).update(**{label: F(label) + step})


@transaction.atomic
def retrain() -> Knowledge:
    """Forget everything and learn again from every comment a moderator decided on."""
    SpamSignal.objects.all().delete()
    Comment.objects.exclude(learned_as="").update(learned_as="")
    decided = (
        Comment.objects.filter(
            pk__in=ModerationDecision.objects.values("comment_id"), status__in=list(LABELS)
        )
        .only("name", "email", "url", "body", "status", "spam_signals")
        .order_by("pk")
    )
    counts: dict[str, Counter] = {SPAM: Counter(), HAM: Counter()}
    learned: dict[str, list[int]] = {SPAM: [], HAM: []}
    for comment in decided.iterator(chunk_size=2000):
        label = LABELS[comment.status]
        counts[label].update([SpamSignal.TOTAL, *signals_of_comment(comment)])
        learned[label].append(comment.pk)
    every = set(counts[SPAM]) | set(counts[HAM])
    SpamSignal.objects.bulk_create(
        [SpamSignal(signal=s, spam=counts[SPAM][s], ham=counts[HAM][s]) for s in every],
        batch_size=2000,
    )
    for label, ids in learned.items():
        for start in range(0, len(ids), 2000):
            Comment.objects.filter(pk__in=ids[start : start + 2000]).update(learned_as=label)
    return Knowledge(counts[SPAM][SpamSignal.TOTAL], counts[HAM][SpamSignal.TOTAL])


# --- its record --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    days: int
    guesses: int  # comments it guessed about that a moderator decided on in those days
    overturned: int  # of those, decided against its guess


def record(days: int = 30) -> Record:
    """How many of its guesses the moderators overturned in the last `days` days: a guess of
    spam (held as likely spam) approved, or a guess of fine marked spam or rejected."""
    since = timezone.now() - timedelta(days=days)
    hold = setting("COMMENTS_SPAM_HOLD_LIKELIHOOD")
    totals = Comment.objects.filter(
        spam_likelihood__isnull=False,
        pk__in=ModerationDecision.objects.filter(created_at__gte=since).values("comment_id"),
        status__in=list(LABELS),
    ).aggregate(
        guesses=Count("pk"),
        overturned=Count(
            "pk",
            filter=Q(spam_likelihood__gte=hold, status=Comment.Status.APPROVED)
            | Q(
                spam_likelihood__lt=hold, status__in=[Comment.Status.SPAM, Comment.Status.REJECTED]
            ),
        ),
    )
    return Record(days, totals["guesses"], totals["overturned"])
