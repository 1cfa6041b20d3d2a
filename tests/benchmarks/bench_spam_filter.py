"""`make bench-spam` (#11): what the spam filter costs. Targets: scoring adds under 5 ms to a
comment POST, learning from a decision takes under 50 ms.

In a throw-away test database (SQLite, or DATABASE_URL's server): the filter is taught by
moderators' decisions on a labelled corpus (tests/comments/spam_corpus.py), then

- comment POSTs through the whole stack of views and middleware, alternately with the filter
  and with it switched off in the same process (the difference is what it adds);
- the filter's own part of a POST (signals, the author's history, the guess), timed alone;
- a moderator's decision, and the learning inside it, timed alone.

    .venv/bin/python -m tests.benchmarks.bench_spam_filter [--decisions 2000] [--rounds 200]
"""

import argparse
import os
import statistics
import sys
import time
from unittest import mock

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings_test")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.benchmarks.harness import throwaway_database  # noqa: E402


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=200)
    arguments = parser.parse_args(argv)
    with throwaway_database():
        run(arguments.decisions, arguments.rounds)


def run(decisions: int, rounds: int) -> None:
    from comments import learning
    from comments.models import Comment
    from comments.services import comment_moderate
    from tests.comments.conftest import aged_token, post_form
    from tests.comments.spam_corpus import corpus, submit
    from tests.factories import ArticleFactory

    article = ArticleFactory()
    started = time.perf_counter()
    with override_settings(COMMENTS_SPAM_HOLD_LIKELIHOOD=1.1, COMMENTS_SPAM_LIKELIHOOD=1.1):
        for sample in corpus(decisions, seed=3):
            comment = submit(article, sample)
            comment_moderate(
                comment=comment,
                to_status=Comment.Status.SPAM if sample.is_spam else Comment.Status.APPROVED,
            )
    knowledge = learning.knowledge()
    print(
        f"taught by {decisions:,} decisions ({knowledge.spam:,} spam, {knowledge.ham:,} approved) "
        f"in {time.perf_counter() - started:.0f} s; {learning.SpamSignal.objects.count():,} "
        f"signals known; {connection.vendor}"
    )

    samples = corpus(rounds, seed=99)
    url = reverse("comments:post", kwargs={"article_id": article.pk})
    # Without the filter: no signals read, no history, no guess.
    switched_off = [
        mock.patch.object(learning, "author_history", lambda email: None),
        mock.patch.object(learning, "signals_of", lambda **kwargs: []),
        mock.patch.object(learning, "guess", lambda signals: learning.Guess(None, [])),
    ]
    posts = {"with": [], "without": []}
    with override_settings(COMMENTS_RATE_LIMIT=10**9):
        for number, sample in enumerate(samples):
            order = ("with", "without") if number % 2 else ("without", "with")
            for variant in order:
                data = {
                    "comment": f"{sample.body} ({variant} {number})",
                    "name": sample.name,
                    "email": sample.email,
                    "url": sample.url,
                    "issued": aged_token(),
                }
                client = Client()
                patches = switched_off if variant == "without" else []
                for patch in patches:
                    patch.start()
                try:
                    start = time.perf_counter()
                    response = post_form(client, url, data)
                    posts[variant].append(time.perf_counter() - start)
                finally:
                    for patch in patches:
                        patch.stop()
                assert response.status_code == 302, response.status_code

    scoring = []
    for sample in samples:
        start = time.perf_counter()
        signals = learning.signals_of(
            name=sample.name,
            email=sample.email,
            url=sample.url,
            body=sample.body,
            history=learning.author_history(sample.email),
            fill_seconds=sample.fill_seconds,
        )
        learning.guess(signals)
        scoring.append(time.perf_counter() - start)

    deciding, learning_alone = [], []
    pending = list(Comment.objects.filter(status=Comment.Status.PENDING).order_by("pk")[:rounds])
    for number, comment in enumerate(pending):
        to_status = Comment.Status.SPAM if number % 2 else Comment.Status.APPROVED
        start = time.perf_counter()
        comment_moderate(comment=comment, to_status=to_status)
        deciding.append(time.perf_counter() - start)
    for number, comment in enumerate(pending):  # each changed back: learning alone
        comment.refresh_from_db()
        comment.status = Comment.Status.APPROVED if number % 2 else Comment.Status.SPAM
        start = time.perf_counter()
        learning.learn(comment)
        learning_alone.append(time.perf_counter() - start)

    added = median_ms(posts["with"]) - median_ms(posts["without"])
    print(
        f"\ncomment POST (whole request, {len(samples)} alternated pairs): "
        f"{median_ms(posts['with']):.1f} ms with the filter, "
        f"{median_ms(posts['without']):.1f} ms without: it adds {added:.1f} ms "
        f"(target < 5 ms: {'met' if added < 5 else 'MISSED'})"
    )
    print(
        f"the filter's part alone (signals, history, guess): {median_ms(scoring):.2f} ms median, "
        f"{statistics.quantiles(scoring, n=20)[-1] * 1000:.2f} ms p95"
    )
    learned = median_ms(learning_alone)
    print(
        f"a moderator's decision: {median_ms(deciding):.1f} ms median, of which learning "
        f"{learned:.1f} ms (target < 50 ms: {'met' if learned < 50 else 'MISSED'}); "
        f"p95 {statistics.quantiles(learning_alone, n=20)[-1] * 1000:.1f} ms"
    )
    print(f"(Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
