"""The change seam delivers once per committed transaction, nothing on rollback, and merges
bulk work into one ChangeSet."""

import pytest
from django.db import transaction

from masthead import changes
from masthead.changes import ChangeSet


@pytest.fixture
def received():
    got = []

    def receiver(sender, changeset, **kwargs):
        got.append(changeset)

    changes.content_changed.connect(receiver, dispatch_uid="test-changes-receiver")
    yield got
    changes.content_changed.disconnect(dispatch_uid="test-changes-receiver")


@pytest.mark.django_db(transaction=True)
def test_one_delivery_per_commit_merging_everything_announced(received):
    with transaction.atomic():
        changes.announce(articles=[1])
        changes.announce(articles=[2], tags=[7])
        assert received == []  # nothing before the commit
    assert received == [ChangeSet(articles=frozenset({1, 2}), tags=frozenset({7}))]


@pytest.mark.django_db(transaction=True)
def test_rollback_delivers_nothing_and_does_not_leak_into_the_next_transaction(received):
    with pytest.raises(RuntimeError), transaction.atomic():
        changes.announce(articles=[1])
        raise RuntimeError
    with transaction.atomic():
        changes.announce(articles=[2])
    assert received == [ChangeSet(articles=frozenset({2}))]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_savepoint_keeps_the_outer_changes(received):
    with transaction.atomic():
        changes.announce(articles=[1])
        with pytest.raises(RuntimeError), transaction.atomic():
            changes.announce(articles=[2])
            raise RuntimeError
        changes.announce(articles=[3])
    assert len(received) == 1
    assert {1, 3} <= received[0].articles


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_delivers_at_once(received):
    changes.announce(pages=[4])
    assert received == [ChangeSet(pages=frozenset({4}))]


@pytest.mark.django_db(transaction=True)
def test_bulk_merges_into_one_bulk_changeset_after_commit(received):
    with changes.bulk(), transaction.atomic():
        for pk in range(100):
            changes.announce(articles=[pk])
    assert len(received) == 1
    assert received[0].bulk and received[0].articles == frozenset(range(100))


@pytest.mark.django_db(transaction=True)
def test_bulk_that_fails_delivers_nothing(received):
    with pytest.raises(ValueError), changes.bulk():
        changes.announce(articles=[1])
        raise ValueError
    changes.announce(articles=[2])
    assert received == [ChangeSet(articles=frozenset({2}))]


@pytest.mark.django_db(transaction=True)
def test_a_failing_subscriber_does_not_stop_the_others(received):
    def broken(sender, changeset, **kwargs):
        raise RuntimeError("store down")

    changes.content_changed.connect(broken, dispatch_uid="test-broken")
    try:
        changes.announce(tags=[1])
    finally:
        changes.content_changed.disconnect(dispatch_uid="test-broken")
    assert received == [ChangeSet(tags=frozenset({1}))]


def test_changeset_round_trips_through_json():
    change = ChangeSet(articles=frozenset({3, 1}), comments=frozenset({9}), site=True, bulk=True)
    assert ChangeSet.from_dict(change.as_dict()) == change
    assert not ChangeSet()
