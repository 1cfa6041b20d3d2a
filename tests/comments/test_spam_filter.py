"""The spam filter the moderators train (#11): each decision teaches it, each new comment gets a
likelihood and its reasons, the site's thresholds hold or bin it, and it says when it knows too
little to guess."""

import html
import random
from dataclasses import replace

import pytest
from django.test import Client

from comments import learning
from comments.models import ArticleCommentPolicy, Comment, HoldReason, Mode, SpamSignal
from comments.services import comment_moderate, decision_undo
from tests.comments.spam_corpus import corpus, reader_comment, spam_comment, submit
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def decide(comment, is_spam: bool):
    return comment_moderate(
        comment=comment, to_status=Comment.Status.SPAM if is_spam else Comment.Status.APPROVED
    )


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def trained(article, settings):
    """The moderators have decided on 200 comments (the filter only watching meanwhile)."""
    settings.COMMENTS_SPAM_HOLD_LIKELIHOOD = settings.COMMENTS_SPAM_LIKELIHOOD = 1.1
    for sample in corpus(200, seed=1):
        decide(submit(article, sample), sample.is_spam)
    del settings.COMMENTS_SPAM_HOLD_LIKELIHOOD, settings.COMMENTS_SPAM_LIKELIHOOD
    return article


def test_with_too_few_decisions_the_filter_says_so_and_does_nothing(article, settings):
    settings.COMMENTS_SPAM_FILTER_MIN_DECISIONS = 3
    samples = corpus(40, seed=2)
    spam = [s for s in samples if s.is_spam][:3]
    for sample in spam[:2] + [s for s in samples if not s.is_spam][:5]:
        decide(submit(article, sample), sample.is_spam)
    assert learning.knowledge() == learning.Knowledge(spam=2, ham=5)
    assert not learning.knowledge().enough
    waiting = submit(article, spam[2])
    assert waiting.spam_likelihood is None
    assert waiting.spam_reasons == []
    assert waiting.held_reason == HoldReason.PRE_MODERATION  # the mode's, not the filter's
    # One more spam decision and it starts guessing.
    decide(waiting, True)
    assert submit(article, spam_comment(random.Random(5))).spam_likelihood > 0.5


def test_spam_is_held_with_the_signals_that_weighed_most(trained):
    pitch = spam_comment(random.Random(3))
    comment = submit(trained, pitch)
    assert comment.spam_likelihood >= 0.7
    assert comment.status in (Comment.Status.PENDING, Comment.Status.SPAM)
    assert comment.held_reason == HoldReason.LIKELY_SPAM
    towards_spam = [signal for signal, weight in comment.spam_reasons if weight > 0]
    assert towards_spam
    # The reason the moderator reads names them, with the likelihood.
    assert comment.reason.startswith(f"Likely spam: {learning.percent(comment.spam_likelihood)}: ")
    assert learning.describe(towards_spam[0]) in comment.reason


def test_a_reader_is_not_held_for_spam(trained):
    reader = reader_comment(random.Random(4))
    comment = submit(trained, reader)
    assert comment.spam_likelihood < 0.7
    assert comment.held_reason == HoldReason.PRE_MODERATION
    assert any(weight < 0 for _, weight in comment.spam_reasons)


def test_sure_spam_goes_to_spam_and_less_sure_is_held(trained, settings):
    pitch = spam_comment(random.Random(3))
    settings.COMMENTS_SPAM_LIKELIHOOD = 0.0  # anything the filter holds is sure enough
    assert submit(trained, pitch).status == Comment.Status.SPAM
    settings.COMMENTS_SPAM_LIKELIHOOD = 1.1  # nothing is
    held = submit(trained, pitch)
    assert (held.status, held.held_reason) == (Comment.Status.PENDING, HoldReason.LIKELY_SPAM)


def test_likely_spam_is_held_even_where_the_author_would_be_approved_at_once(trained):
    """It never approves beyond the site's mode, and holds what the mode would approve."""
    ArticleCommentPolicy.objects.create(article=trained, mode=Mode.KNOWN)
    reader = reader_comment(random.Random(8))
    first = submit(trained, reader)
    decide(first, False)
    regular = {"author_comment_ids": [first.pk]}
    assert submit(trained, reader, **regular).status == Comment.Status.APPROVED
    pitch = spam_comment(random.Random(3))
    sold = submit(trained, replace(pitch, email=reader.email), **regular)
    assert sold.status != Comment.Status.APPROVED
    assert sold.held_reason == HoldReason.LIKELY_SPAM


def test_a_changed_decision_moves_what_it_taught_and_an_undo_takes_it_back(article):
    sample = spam_comment(random.Random(9))
    comment = submit(article, sample)
    decision = decide(comment, False)  # approved by mistake
    word = next(s for s in comment.spam_signals if s.startswith("word:"))
    assert SpamSignal.objects.get(signal=word).ham == 1
    decide(comment, True)  # put right
    row = SpamSignal.objects.get(signal=word)
    assert (row.spam, row.ham) == (1, 0)
    total = SpamSignal.objects.get(signal=SpamSignal.TOTAL)
    assert (total.spam, total.ham) == (1, 0)
    decision_undo(decision=comment.decisions.first())  # undo "spam": approved again
    row.refresh_from_db()
    assert (row.spam, row.ham) == (0, 1)
    assert Comment.objects.get(pk=comment.pk).learned_as == learning.HAM
    assert decision is not None


def test_retraining_from_scratch_learns_what_the_decisions_taught(trained):
    before = dict(SpamSignal.objects.values_list("signal", "spam"))
    before_ham = dict(SpamSignal.objects.values_list("signal", "ham"))
    SpamSignal.objects.filter(signal=SpamSignal.TOTAL).update(spam=0, ham=0)  # damaged
    knowledge = learning.retrain()
    assert knowledge == learning.Knowledge(
        spam=Comment.objects.filter(status=Comment.Status.SPAM).count(),
        ham=Comment.objects.filter(status=Comment.Status.APPROVED).count(),
    )
    assert dict(SpamSignal.objects.values_list("signal", "spam")) == before
    assert dict(SpamSignal.objects.values_list("signal", "ham")) == before_ham


def test_the_record_counts_the_guesses_moderators_overturned(trained):
    guessed_spam = submit(trained, spam_comment(random.Random(3)))
    guessed_fine = submit(trained, reader_comment(random.Random(4)))
    guessed_right = submit(trained, spam_comment(random.Random(12)))
    assert guessed_spam.spam_likelihood >= 0.7 > guessed_fine.spam_likelihood
    assert guessed_right.spam_likelihood >= 0.7
    decide(guessed_spam, False)  # overturned: it was fine
    decide(guessed_fine, True)  # overturned: it was spam
    comment_moderate(comment=guessed_right, to_status=Comment.Status.REJECTED)  # agreed
    submit(trained, spam_comment(random.Random(13)))  # not decided yet: not counted
    record = learning.record()
    # The 200 decided while it only watched were guessed about too (it had learned enough
    # after the first few dozen); those count as well.
    watched = learning.record()
    assert (record.guesses, record.overturned) == (watched.guesses, watched.overturned)
    assert record.overturned >= 2


def test_an_authors_history_here_and_the_fill_time_are_signals(trained):
    reader = reader_comment(random.Random(4))
    first = submit(trained, reader)
    assert "history:new" in first.spam_signals
    decide(first, True)
    again = submit(trained, reader)
    assert "history:spam" in again.spam_signals
    assert "history:new" not in again.spam_signals
    assert any(s.startswith("fill:") for s in again.spam_signals)


def test_precision_and_recall_on_comments_it_has_not_seen(article, settings, capsys):
    """Trained on 70% of a labelled corpus, judged on the other 30%: printed, and bounded."""
    samples = corpus(600, seed=21)
    cut = int(len(samples) * 0.7)
    settings.COMMENTS_SPAM_HOLD_LIKELIHOOD = settings.COMMENTS_SPAM_LIKELIHOOD = 1.1
    for sample in samples[:cut]:
        decide(submit(article, sample), sample.is_spam)
    hold = 0.7
    outcomes = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for sample in samples[cut:]:
        guessed = submit(article, sample).spam_likelihood >= hold
        key = ("t" if guessed == sample.is_spam else "f") + ("p" if guessed else "n")
        outcomes[key] += 1
    precision = outcomes["tp"] / (outcomes["tp"] + outcomes["fp"])
    recall = outcomes["tp"] / (outcomes["tp"] + outcomes["fn"])
    with capsys.disabled():
        print(
            f"\nspam filter on {len(samples) - cut} unseen comments (trained on {cut}): "
            f"precision {precision:.3f}, recall {recall:.3f} {outcomes}"
        )
    assert precision >= 0.95
    assert recall >= 0.85


# --- in the admin ------------------------------------------------------------------------------

SPAM_FILTER = "/admin/comments/comment/spam-filter/"


def test_the_queue_shows_each_guess_sorts_most_likely_spam_first_and_filters_by_it(
    trained, moderator_client, settings
):
    settings.COMMENTS_SPAM_LIKELIHOOD = 1.1  # held, not binned: all three are pending
    pitch = submit(trained, spam_comment(random.Random(3)))
    reader = submit(trained, reader_comment(random.Random(4)))
    before_it_learned = Comment.objects.create(
        article=trained, name="Early", email="e@example.org", body="Before the filter"
    )
    page = moderator_client.get("/admin/comments/comment/?status__exact=pending").content.decode()
    assert learning.percent(pitch.spam_likelihood) in page
    assert learning.percent(reader.spam_likelihood) in page
    assert "learned from" in page
    sort_link = page.split("Most likely spam first")[0].rsplit('href="', 1)[1].split('"')[0]
    ordered = moderator_client.get("/admin/comments/comment/" + sort_link.replace("&amp;", "&"))
    rows = list(ordered.context["cl"].result_list)
    assert rows[:2] == [pitch, reader]
    assert rows[-1] == before_it_learned  # not guessed: last, whatever the database
    likely = moderator_client.get("/admin/comments/comment/?status__exact=pending&spam=likely")
    assert list(likely.context["cl"].result_list) == [pitch]
    unguessed = moderator_client.get("/admin/comments/comment/?status__exact=pending&spam=none")
    assert list(unguessed.context["cl"].result_list) == [before_it_learned]


def test_a_comments_page_lists_the_signals_for_and_against(trained, moderator_client):
    pitch = submit(trained, spam_comment(random.Random(3)))
    page = moderator_client.get(f"/admin/comments/comment/{pitch.pk}/change/").content.decode()
    assert f"{learning.percent(pitch.spam_likelihood).capitalize()} likely to be spam." in page
    signal, weight = pitch.spam_reasons[0]
    assert html.escape(learning.describe(signal)) in page
    assert f"({weight:+.1f})" in page


def test_moderators_see_the_record_and_retrain_editors_cannot(trained, editor, moderator_client):
    editors = Client()
    editors.force_login(editor)
    assert editors.get(SPAM_FILTER).status_code == 403
    assert editors.post(SPAM_FILTER).status_code == 403
    page = moderator_client.get(SPAM_FILTER).content.decode()
    knowledge = learning.knowledge()
    assert f"<strong>{knowledge.spam}</strong> comments judged spam" in page
    assert "Its record" in page
    SpamSignal.objects.all().delete()
    assert "Still learning" in moderator_client.get(SPAM_FILTER).content.decode()
    response = moderator_client.post(SPAM_FILTER, follow=True)
    assert f"{knowledge.spam} comments judged spam, {knowledge.ham} approved" in (
        response.content.decode()
    )
    assert learning.knowledge() == knowledge
