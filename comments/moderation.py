"""Moderation policy: is an article open for comments, and what happens to a new comment.

Every rule that holds or blocks a comment is returned with its reason, so moderators can see
why (and filter by it) instead of guessing.
"""

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from articles.models import Article
from newsportal.process_copies import ProcessCopy

from . import identity, learning
from .conf import setting
from .models import Comment, HoldReason, Mode, ModerationRule
from .text import BIDI_CONTROLS, INVISIBLE, count_links, link_hosts


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""
    detail: str = ""
    # The spam filter's guess and the signals it read, kept on the comment.
    guess: learning.Guess = learning.Guess(None, [])
    signals: tuple[str, ...] = ()


def _policy_tables() -> tuple[list[ModerationRule], dict[str, str]]:
    return list(ModerationRule.objects.all()), identity.staff_skeletons()


# Every post is checked against the moderators' rules and the newsroom's names, which change a
# few times a day: kept in each worker, one cache read a post (process_copies.py).
POLICY_TABLES = ProcessCopy("comments.moderation-policy", _policy_tables)


@receiver([post_save, post_delete], sender=ModerationRule)
@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL)
def policy_tables_changed(**kwargs):
    POLICY_TABLES.changed()


def article_mode(article: Article) -> str:
    """The article's own moderation mode, or the site default."""
    try:
        return article.comment_policy.mode
    except Article.comment_policy.RelatedObjectDoesNotExist:
        return setting("COMMENTS_MODERATION")


def comments_open(article: Article, *, now=None) -> bool:
    if article_mode(article) == Mode.CLOSED:
        return False
    days = setting("COMMENTS_CLOSE_AFTER_DAYS")
    if days is not None and article.published_at:
        return (now or timezone.now()) < article.published_at + timedelta(days=days)
    return True


def _contains_word(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def _domain_matches(host: str, domain: str) -> bool:
    host = host.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)


def _ip_matches(ip: str | None, rule: str) -> bool:
    if not ip:
        return False
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(rule, strict=False)
    except ValueError:
        return False


def _rule_verdict(rule: ModerationRule, *, name, email, url, body, ip) -> Verdict | None:
    Kind = ModerationRule.Kind
    # Without invisible characters, so that "v\u200biagra" still matches a blocked "viagra".
    text = "".join(
        char
        for char in f"{name}\n{email}\n{url}\n{body}"
        if char not in INVISIBLE and char not in BIDI_CONTROLS
    )
    matched = False
    if rule.kind in (Kind.BLOCKED_WORD, Kind.HELD_WORD):
        matched = _contains_word(text, rule.value)
    elif rule.kind == Kind.BLOCKED_EMAIL:
        matched = email.strip().lower() == rule.value
    elif rule.kind == Kind.BLOCKED_DOMAIN:
        hosts = [email.rpartition("@")[2], urlsplit(url).hostname or "", *link_hosts(body)]
        matched = any(host and _domain_matches(host, rule.value) for host in hosts)
    elif rule.kind == Kind.BLOCKED_IP:
        matched = _ip_matches(ip, rule.value)
    if not matched:
        return None
    status = Comment.Status.PENDING if rule.kind == Kind.HELD_WORD else Comment.Status.SPAM
    return Verdict(status, HoldReason(rule.kind), rule.value)


def assess(
    *,
    article: Article,
    name: str,
    email: str,
    url: str,
    body: str,
    ip,
    author_comment_ids: Sequence[int] = (),
    fill_seconds: float | None = None,
) -> Verdict:
    """What happens to a new comment: spam, held for review (and why), or approved; with the
    spam filter's guess, whatever decided."""
    signals = learning.signals_of(
        name=name,
        email=email,
        url=url,
        body=body,
        history=learning.author_history(email),
        fill_seconds=fill_seconds,
    )
    guess = learning.guess(signals)
    verdict = _verdict(
        article=article,
        name=name,
        email=email,
        url=url,
        body=body,
        ip=ip,
        author_comment_ids=author_comment_ids,
        likelihood=guess.likelihood,
    )
    if verdict.reason == HoldReason.LIKELY_SPAM:
        verdict = replace(verdict, detail=guess.summary)
    return replace(verdict, guess=guess, signals=tuple(signals))


def _verdict(*, article, name, email, url, body, ip, author_comment_ids, likelihood) -> Verdict:
    # The moderators' own rules first, then the filter: sure enough, it sends to spam; less
    # sure, it holds, whatever the article's mode would have done.
    rules, staff = POLICY_TABLES.get()
    verdicts = [
        verdict
        for rule in rules
        if (verdict := _rule_verdict(rule, name=name, email=email, url=url, body=body, ip=ip))
    ]
    # A blocking rule wins over a holding one.
    for verdict in verdicts:
        if verdict.status == Comment.Status.SPAM:
            return verdict
    if staff_name := identity.impersonated_staff(name, staff):
        return Verdict(Comment.Status.PENDING, HoldReason.IMPERSONATION, f"passes for {staff_name}")
    likely = likelihood is not None and likelihood >= setting("COMMENTS_SPAM_HOLD_LIKELIHOOD")
    if likely and likelihood >= setting("COMMENTS_SPAM_LIKELIHOOD"):
        return Verdict(Comment.Status.SPAM, HoldReason.LIKELY_SPAM)
    if verdicts:
        return verdicts[0]

    links = count_links(body) + count_links(name)
    if links > setting("COMMENTS_MAX_LINKS"):
        return Verdict(Comment.Status.PENDING, HoldReason.LINKS, f"{links} links")
    if likely:
        return Verdict(Comment.Status.PENDING, HoldReason.LIKELY_SPAM)

    if article_mode(article) == Mode.KNOWN:
        # Known means: this browser posted an approved comment under this e-mail before. The
        # e-mail alone would let anyone who knows a regular's address skip moderation.
        known = (
            Comment.objects.approved()
            .filter(pk__in=list(author_comment_ids), email__iexact=email.strip())
            .exists()
        )
        if known:
            return Verdict(Comment.Status.APPROVED)
        return Verdict(Comment.Status.PENDING, HoldReason.FIRST_COMMENT)
    return Verdict(Comment.Status.PENDING, HoldReason.PRE_MODERATION)
