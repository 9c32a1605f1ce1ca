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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_delivery_per_commit_merging_everything_announced(received):
    with transaction.atomic():
        changes.announce(articles=[1])
        changes.announce(articles=[2], tags=[7])
        assert received == []  # nothing before the commit
    assert received == [ChangeSet(articles=frozenset({1, 2}), tags=frozenset({7}))]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rollback_delivers_nothing_and_does_not_leak_into_the_next_transaction(received):
    with pytest.raises(RuntimeError), transaction.atomic():
        changes.announce(articles=[1])
        raise RuntimeError
    with transaction.atomic():
        changes.announce(articles=[2])
    assert received == [ChangeSet(articles=frozenset({2}))]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rolled_back_savepoint_keeps_the_outer_changes(received):
    with transaction.atomic():
        changes.announce(articles=[1])
        with pytest.raises(RuntimeError), transaction.atomic():
            changes.announce(articles=[2])
            raise RuntimeError
        changes.announce(articles=[3])
    assert len(received) == 1
    assert {1, 3} <= received[0].articles


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_delivers_at_once(received):
    changes.announce(pages=[4])
    assert received == [ChangeSet(pages=frozenset({4}))]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bulk_merges_into_one_bulk_changeset_after_commit(received):
    with changes.bulk(), transaction.atomic():
        for pk in range(100):
            changes.announce(articles=[pk])
    assert len(received) == 1
    assert received[0].bulk and received[0].articles == frozenset(range(100))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bulk_that_fails_delivers_nothing(received):
    with pytest.raises(ValueError), changes.bulk():
        changes.announce(articles=[1])
        raise ValueError
    changes.announce(articles=[2])
    assert received == [ChangeSet(articles=frozenset({2}))]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
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


# -- what announces: every path that changes what a reader sees, and nothing else ----------------

@pytest.fixture
def seen(received):
    """The union of everything delivered during a test, as one ChangeSet."""

    def union():
        total = ChangeSet()
        for change in received:
            total = total.merged(change)
        return total

    received.clear()
    return union


def test_article_saves_deletes_and_bylines_announce(make_article, author, seen, received):
    article = make_article(title="Ferry")
    received.clear()
    article.title = "Ferry, again"
    article.save()
    author.articles.clear()  # from the author's side: the articles that lost the byline
    assert seen().articles == {article.pk}
    received.clear()
    pk = article.pk
    article.delete()
    assert seen().articles == {pk}


def test_translation_tells_its_original(make_article, seen, received):
    original, other = make_article(title="Original"), make_article(title="Other")
    translation = make_article(title="Übersetzung", translation_of=original)
    assert original.pk in seen().articles
    received.clear()
    translation.translation_of = other
    translation.save()  # the old original loses a translation, the new one gains it
    assert seen().articles == {translation.pk, original.pk, other.pk}


def test_queryset_update_and_bulk_create_announce_the_rows_they_write(make_article, seen,
                                                                     received, section):
    from masthead.newsroom.models import Article, Tag

    articles = [make_article() for _ in range(3)]
    received.clear()
    Article.objects.filter(pk__in=[a.pk for a in articles[:2]]).update(importance=5)
    assert seen().articles == {articles[0].pk, articles[1].pk}
    received.clear()
    tags = Tag.objects.bulk_create([Tag(name="a", slug="a"), Tag(name="b", slug="b")])
    assert seen().tags == {t.pk for t in tags}
    received.clear()
    section.__class__.objects.filter(pk=section.pk).update(description="Abroad")
    assert seen().sections == {section.pk}


def test_comments_announce_only_when_readers_see_them_change(make_article, seen, received):
    from masthead.comments.models import Comment

    article = make_article()
    received.clear()
    held = Comment.objects.create(article=article, author="R", text="hm", status="pending")
    spam = Comment.objects.create(article=article, author="S", text="buy", status="spam")
    spam.set_status("trash")
    spam.save()
    Comment.objects.filter(pk=held.pk).update(spam_score=0.5)
    assert received == []
    held.set_status("approved")
    held.save()  # becomes visible
    assert seen().comments == {article.pk}
    received.clear()
    held.text = "edited"
    held.save()  # a visible comment edited
    assert seen().comments == {article.pk}
    received.clear()
    Comment.objects.filter(pk=held.pk).update(status="spam")  # leaves public view
    assert seen().comments == {article.pk}
    received.clear()
    again = Comment.objects.get(pk=held.pk)
    again.set_status("trash")
    again.save()  # spam to trash: never visible either side
    assert received == []


def test_consent_configuration_announces_site_wide_but_a_choice_does_not(db, seen, received):
    from masthead.consent.models import Category, ConsentRecord, ConsentSettings

    ConsentRecord.objects.create(consent_id="x", policy_version=1, action="accept",
                                 mode=ConsentSettings._meta.get_field("mode").default)
    assert received == []
    category = Category.objects.first() or Category.objects.create(key="stats", name="Stats")
    category.name = "Statistics"
    category.save()
    assert seen().site


def test_import_bridge_is_one_bulk_delivery(make_article, seen, received):
    from masthead.importers.bulk import deferred_search_index

    with deferred_search_index() as index:
        a, b = make_article(), make_article()
        index([a.pk, b.pk])
        assert received == []
    assert len(received) == 1 and received[0].bulk and {a.pk, b.pk} <= received[0].articles
