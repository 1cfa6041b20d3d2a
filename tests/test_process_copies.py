"""A table kept in each worker process (the moderators' rules, the staff's names) is read
again everywhere once a change to it is committed, and never kept from inside a transaction."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from comments.models import ModerationRule, SpentFormToken
from newsportal.inserts import insert_unless_present
from newsportal.process_copies import ProcessCopy


def reading_rules():
    reads = []

    def read():
        reads.append(1)
        return sorted(ModerationRule.objects.values_list("value", flat=True))

    return ProcessCopy("test-rules", read), reads


@pytest.mark.django_db(transaction=True)
def test_a_copy_is_read_once_until_a_change_is_committed():
    rules, reads = reading_rules()
    assert rules.get() == [] and rules.get() == []
    assert len(reads) == 1
    with transaction.atomic():
        ModerationRule.objects.create(kind="blocked_word", value="casino")
        rules.changed()
        assert rules.get() == ["casino"]  # inside the transaction: read, not kept
    assert rules.get() == ["casino"]
    assert rules.get() == ["casino"]
    assert len(reads) == 3


@pytest.mark.django_db(transaction=True)
def test_a_change_rolled_back_leaves_no_copy_behind():
    rules, _ = reading_rules()
    assert rules.get() == []
    with pytest.raises(RuntimeError), transaction.atomic():
        ModerationRule.objects.create(kind="blocked_word", value="casino")
        rules.changed()
        assert rules.get() == ["casino"]
        raise RuntimeError
    assert rules.get() == []


@pytest.mark.django_db(transaction=True)
def test_another_process_copy_is_dropped_by_the_shared_generation():
    """Two workers: one's change moves the generation the other's copy was read under."""
    here, _ = reading_rules()
    there, there_reads = reading_rules()
    assert there.get() == []
    ModerationRule.objects.create(kind="blocked_word", value="casino")
    here.changed()  # committed at once: no transaction
    assert there.get() == ["casino"]
    assert len(there_reads) == 2


@pytest.mark.django_db(transaction=True)
def test_a_lost_cache_means_reading_again():
    rules, reads = reading_rules()
    rules.get()
    cache.clear()
    rules.get()
    assert len(reads) == 2


@pytest.mark.django_db
def test_insert_unless_present_says_whether_it_inserted():
    """One statement, no savepoint: the second insert of the same nonce inserts nothing and
    leaves the transaction usable."""
    expires = timezone.now()
    assert insert_unless_present(SpentFormToken, nonce="abc", expires_at=expires, comment_id=None)
    assert not insert_unless_present(SpentFormToken, nonce="abc", expires_at=expires)
    assert SpentFormToken.objects.get().expires_at == expires


@pytest.mark.django_db(transaction=True)
def test_with_the_cache_down_the_table_is_read_every_time(cache_down):
    rules, reads = reading_rules()
    ModerationRule.objects.create(kind="blocked_word", value="casino")
    assert rules.get() == ["casino"] and rules.get() == ["casino"]
    assert len(reads) == 2


@pytest.mark.django_db(transaction=True)
def test_a_copy_is_read_again_after_its_longest_keep(monkeypatch):
    """A change whose new token never reached the cache (it was down) is seen in the end."""
    from newsportal import process_copies

    rules, reads = reading_rules()
    rules.get()
    monkeypatch.setattr(process_copies, "MAX_SECONDS", 0)
    rules.get()
    assert len(reads) == 2
