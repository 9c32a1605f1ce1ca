"""Stored lists kept current by saves: publish, edit, unpublish, delete, schedule, translate."""

import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.newsroom.models import Article
from masthead.related import build, update, vectors
from masthead.related.models import ArticleVector, RelatedChoice, RelatedLink, RelatedPin
from masthead.related.reading import related_view

from .conftest import body_for

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # also run on PostgreSQL


def ids(view):
    return [a.pk for a in view.block]


@pytest.fixture
def archive(topical):
    return {t: [topical(t, i) for i in range(4)] for t in ("football", "economy", "space")}


def test_publishing_adds_the_article_to_related_lists(archive, topical):
    new = topical("space", 9)
    assert new.pk in ids(related_view(archive["space"][0]))
    assert set(ids(related_view(new))[:3]) <= {a.pk for a in archive["space"]}


def test_never_itself_and_drafts_never_appear(archive, make_article, on_commit):
    draft = on_commit(make_article, title="Space draft", body=body_for("space", 1),
                      status=Article.Status.DRAFT)
    for article in archive["space"]:
        shown = ids(related_view(article))
        assert article.pk not in shown and draft.pk not in shown
    assert related_view(draft).block == []


def test_unpublishing_and_deleting_remove_it_everywhere(archive, on_commit):
    target = archive["economy"][1]
    holders = set(RelatedLink.objects.filter(related=target).values_list("article_id", flat=True))
    assert holders
    target.status = Article.Status.DRAFT
    on_commit(target.save)
    assert not RelatedLink.objects.filter(related=target).exists()
    assert not RelatedLink.objects.filter(article=target).exists()
    gone = archive["economy"][2]
    on_commit(gone.delete)
    assert all(gone.pk not in ids(related_view(a)) for a in archive["economy"])
    assert not ArticleVector.objects.filter(article_id=gone.pk, active=True).exists()
    # The others still have full lists: refilled, not left short.
    assert len(ids(related_view(archive["economy"][0]))) == 6


def test_editing_moves_an_article_to_its_new_topic(archive, on_commit):
    mover = archive["football"][0]
    mover.body = body_for("space", 3)
    mover.title = "Space story, formerly football"
    on_commit(mover.save)
    assert set(ids(related_view(mover))[:3]) <= {a.pk for a in archive["space"]}
    assert mover.pk in ids(related_view(archive["space"][0]))[:4]
    assert mover.pk not in ids(related_view(archive["football"][1]))[:2]  # the 2 others first


def test_scheduled_articles_appear_only_once_released(archive, topical):
    release = timezone.now() + timedelta(hours=2)
    scheduled = topical("space", 7, status=Article.Status.SCHEDULED, published_at=release)
    space = archive["space"][0]
    assert RelatedLink.objects.filter(article=space, related=scheduled).exists()
    assert scheduled.pk not in ids(related_view(space))
    later = release + timedelta(minutes=1)
    assert scheduled.pk in ids(related_view(space, now=later))


def test_translations_relate_through_their_original(archive, topical, make_article, on_commit):
    original = archive["space"][0]
    german = on_commit(make_article, title="Die Rakete", body="Die Rakete startet morgen früh.",
                       language="de", translation_of=original)
    # Its text shares nothing with the archive, yet it inherits the original's neighbours...
    shown = ids(related_view(german))
    assert set(shown[:3]) <= {a.pk for a in archive["space"][1:]}
    # ...and never shows the original, nor does the original show it.
    assert original.pk not in shown
    assert german.pk not in ids(related_view(original))


def test_pins_exclusions_and_see_also_choices(archive, on_commit):
    article = archive["space"][0]
    pinned, excluded, chosen = archive["football"][0], archive["space"][1], archive["economy"][0]

    def choose():
        choice = RelatedChoice.objects.create(article=article,
                                              see_also=RelatedChoice.SeeAlso.CHOSEN,
                                              see_also_article=chosen)
        choice.excluded.add(excluded)
        RelatedPin.objects.create(article=article, pinned=pinned)

    on_commit(choose)
    view = related_view(article)
    assert view.block[0] == pinned and excluded not in view.block
    assert view.see_also == chosen and chosen not in view.block
    choice = RelatedChoice.objects.get(article=article)
    choice.see_also = RelatedChoice.SeeAlso.OFF
    on_commit(choice.save)
    assert related_view(article).see_also is None


def test_automatic_see_also_is_not_in_the_block(archive):
    view = related_view(archive["space"][0])
    assert view.see_also is not None and view.see_also not in view.block


def test_reading_is_one_query_whatever_the_list(archive, make_article):
    lonely = make_article(title="Unrelated", body="")
    for article in (archive["space"][0], lonely):
        with CaptureQueriesContext(connection) as queries:
            related_view(article)
        assert len(queries) == 1


def test_another_process_sees_changes_made_elsewhere(archive, topical, on_commit):
    """Each process keeps its own copy of the vectors: a stale copy catches up before use."""
    stale = vectors.copy
    vectors.copy = vectors.ProcessCopy()  # a second process, started now
    on_commit(update.update_articles, [archive["space"][0].pk])  # it loads everything
    second = vectors.copy
    vectors.copy = stale
    new = topical("space", 8)  # written by the first process
    vectors.copy = second
    on_commit(update.update_articles, [archive["space"][1].pk])  # the second one now works
    assert new.pk in second.index.row_of
    assert new.pk in ids(related_view(archive["space"][1]))
    vectors.copy = stale


def test_rebuild_command_recomputes_everything(archive, capsys):
    RelatedLink.objects.all().delete()
    call_command("rebuild_related", "--no-progress")
    assert "12 articles" in capsys.readouterr().out
    assert len(ids(related_view(archive["space"][0]))) == 6


def test_rebuild_command_shows_a_progress_bar(archive, capsys):
    call_command("rebuild_related")
    out = capsys.readouterr().out
    assert "Relating articles" in out and "Related index rebuilt" in out


@pytest.fixture
def announced():
    """The ChangeSets the change seam delivers while the test runs."""
    from masthead import changes

    seen = []

    def hear(sender, changeset, **kwargs):
        seen.append(changeset)

    changes.content_changed.connect(hear, dispatch_uid="test-related-announced")
    yield seen
    changes.content_changed.disconnect(dispatch_uid="test-related-announced")


def test_written_lists_are_announced_for_the_page_cache(archive, topical, announced,
                                                        on_commit):
    on_commit(build.rebuild)
    everything = {a.pk for topic in archive.values() for a in topic}
    rebuilt = [c for c in announced if c.related]
    assert len(rebuilt) == 1 and rebuilt[0].bulk and rebuilt[0].related == everything
    announced.clear()
    new = topical("space", 9)  # saved: the seam's subscriber runs the update job
    lists = [c.related for c in announced if c.related]
    assert len(lists) == 1
    entered = set(RelatedLink.objects.filter(related=new).values_list("article_id", flat=True))
    assert entered and entered | {new.pk} <= lists[0]
    assert not (lists[0] - everything - {new.pk})


def _age_the_model():
    """Store the current model as an older Masthead (other term hashing) would have."""
    from masthead.related.engine.textmodel import TextModel
    from masthead.related.models import IndexState, TextModelBlob

    blob = TextModelBlob.objects.get(generation=IndexState.objects.get().generation)
    model = TextModel.from_bytes(blob.payload)
    model.hashing = 1
    blob.payload = model.to_bytes()
    blob.save()
    vectors.copy = vectors.ProcessCopy()  # as in a process started after the upgrade
    return blob.generation


def test_a_model_from_older_hashing_is_refitted_on_a_small_site(archive, topical):
    old_generation = _age_the_model()
    new = topical("space", 9)
    update.update_articles([new.pk])
    assert vectors.copy.generation > old_generation and vectors.copy.model.current
    assert new.pk in ids(related_view(archive["space"][0]))


def test_a_model_from_older_hashing_is_left_alone_on_a_large_site(archive, topical, settings,
                                                                  caplog):
    settings.MASTHEAD_RELATED_AUTO_BUILD_MAX = 5
    before = list(RelatedLink.objects.order_by("pk").values_list("article_id", "related_id"))
    old_generation = _age_the_model()
    new = topical("space", 9)  # its save asks for an update
    assert "rebuild-related" in caplog.text
    assert vectors.copy.generation == old_generation
    assert list(RelatedLink.objects.order_by("pk").values_list("article_id", "related_id")) \
        == before
    call_command("rebuild_related", "--no-progress")
    assert vectors.copy.model.current
    assert new.pk in ids(related_view(archive["space"][0]))


def test_entering_a_list_writes_one_row_not_the_whole_list(archive, topical):
    before = dict(RelatedLink.objects.values_list("pk", "article_id"))
    new = topical("space", 9)
    after = RelatedLink.objects.exclude(article_id=new.pk)
    entered = set(after.filter(related_id=new.pk).values_list("article_id", flat=True))
    assert entered  # it joined other space stories' lists
    for holder in entered:
        rows = after.filter(article_id=holder)
        fresh = [pk for pk in rows.values_list("pk", flat=True) if pk not in before]
        assert len(fresh) == 1  # only its own row is new; the rest were kept in place
    # and every list reads best first
    for holder in entered:
        scores = list(RelatedLink.objects.filter(article_id=holder, kind=RelatedLink.Kind.AUTO)
                      .order_by(*RelatedLink.READING_ORDER).values_list("score", flat=True))
        assert scores == sorted(scores, reverse=True)


def test_a_large_build_counts_in_two_processes_with_the_same_result(archive, monkeypatch):
    build.rebuild()
    serial = list(RelatedLink.objects.order_by("article_id", *RelatedLink.READING_ORDER)
                  .values_list("article_id", "related_id"))
    monkeypatch.setattr(build, "PARALLEL_COUNTING_MIN", 1)
    assert build._counting_workers() == min(2, len(os.sched_getaffinity(0)))
    build.rebuild()
    parallel = list(RelatedLink.objects.order_by("article_id", *RelatedLink.READING_ORDER)
                    .values_list("article_id", "related_id"))
    assert parallel == serial
