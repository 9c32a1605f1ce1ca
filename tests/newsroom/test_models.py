from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from masthead.newsroom.models import LIVE_STATUSES, Article, Page, Revision, Section, Tag, live_q

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_slug_comes_from_the_title_and_is_unique(make_article):
    a = make_article(title="Harbour reopens after storm")
    b = make_article(title="Harbour reopens after storm")
    assert a.slug == "harbour-reopens-after-storm"
    assert b.slug == "harbour-reopens-after-storm-2"


def test_title_without_latin_letters_still_gets_a_slug(make_article):
    article = make_article(title="港口重新开放")
    assert article.slug


def test_slug_is_fixed_once_published(make_article):
    article = make_article(title="Original headline")
    article.slug = "something-else"
    with pytest.raises(ValidationError):
        article.full_clean()
    article.save()
    article.refresh_from_db()
    assert article.slug == "original-headline"


def test_slug_of_a_draft_may_change(make_article):
    article = make_article(title="Draft", status=Article.Status.DRAFT, published_at=None)
    article.slug = "better-slug"
    article.full_clean()
    article.save()
    assert Article.objects.get(pk=article.pk).slug == "better-slug"


def test_scheduled_article_appears_by_itself_at_release_time(make_article):
    release = timezone.now() + timedelta(hours=2)
    article = make_article(status=Article.Status.PUBLISHED, published_at=release)
    assert article.status == Article.Status.SCHEDULED
    assert not Article.objects.published().filter(pk=article.pk).exists()
    later = release + timedelta(seconds=1)
    assert Article.objects.published(at=later).filter(pk=article.pk).exists()


def test_publishing_without_a_date_uses_now(make_article):
    article = make_article(status=Article.Status.PUBLISHED, published_at=None)
    assert article.published_at is not None
    assert article.first_published_at == article.published_at
    assert article.is_live


def test_drafts_and_pending_are_never_published(make_article):
    draft = make_article(status=Article.Status.DRAFT)
    pending = make_article(status=Article.Status.PENDING)
    live = Article.objects.published()
    assert draft not in live and pending not in live


def test_revision_restores_an_older_version(make_article, author):
    tag = Tag.objects.create(name="Storms")
    article = make_article(title="First title", body="First body", tags=[tag])
    first = Revision.snapshot(article)
    article.title, article.body = "Second title", "Second body"
    article.save()
    article.tags.clear()
    Revision.snapshot(article)

    first.restore()
    article.refresh_from_db()
    assert (article.title, article.body) == ("First title", "First body")
    assert list(article.tags.all()) == [tag]
    assert article.slug == "first-title"  # the published URL never moved
    assert article.revisions.count() == 3  # the restore is itself a version


def test_restoring_a_revision_whose_section_was_deleted_keeps_the_article(make_article):
    gone = Section.objects.create(name="Gone", slug="gone")
    article = make_article(section=gone)
    rev = Revision.snapshot(article)
    article.section = None
    article.save()
    gone.delete()
    rev.restore()
    article.refresh_from_db()
    assert article.section is None


def test_body_is_rendered_to_sanitised_html_on_save(make_article):
    article = make_article(body="Hello <script>alert(1)</script> [x](javascript:alert(2))")
    assert "<script" not in article.body_html
    assert "href=\"javascript" not in article.body_html


def test_sections_nest_one_level_only():
    top = Section.objects.create(name="Abroad", slug="abroad")
    child = Section.objects.create(name="Nordics", slug="nordics", parent=top)
    grandchild = Section(name="Nordics", slug="nordics", parent=child)
    with pytest.raises(ValidationError):
        grandchild.full_clean()


def test_page_may_not_take_a_reserved_slug():
    with pytest.raises(ValidationError):
        Page(title="Admin", slug="admin").full_clean()


def test_a_new_site_gets_its_default_pages_and_settings():
    import importlib

    from django.apps import apps

    from masthead.newsroom.models import SiteSettings

    migration = importlib.import_module("masthead.newsroom.migrations.0002_default_pages")
    Page.objects.all().delete()
    SiteSettings.objects.all().delete()
    migration.create_pages(apps, None)
    assert Page.objects.filter(slug="privacy-policy", title="Privacy & Cookies Policy").exists()
    assert Page.objects.filter(slug="about").exists()
    assert SiteSettings.objects.count() == 1
    migration.create_pages(apps, None)  # running it again adds nothing
    assert Page.objects.count() == 2 and SiteSettings.objects.count() == 1


def test_live_rule_names_real_statuses():
    assert set(LIVE_STATUSES) <= set(Article.Status.values)
    assert Article.Status.DRAFT not in LIVE_STATUSES and Article.Status.PENDING not in LIVE_STATUSES


@pytest.mark.parametrize("status", Article.Status.values)
@pytest.mark.parametrize("offset_hours", [-2, None, 2])
def test_live_queryset_and_is_live_agree(make_article, status, offset_hours):
    when = None if offset_hours is None else timezone.now() + timedelta(hours=offset_hours)
    article = make_article(status=status, published_at=when)
    Article.objects.filter(pk=article.pk).update(status=status, published_at=when)  # as stored
    article.refresh_from_db()
    expected = status in LIVE_STATUSES and when is not None and when <= timezone.now()
    assert article.is_live is expected
    assert Article.objects.live().filter(pk=article.pk).exists() is expected
    assert Article.objects.published().filter(pk=article.pk).exists() is expected


def test_live_rule_through_a_relation(make_article, section):
    make_article(published_at=timezone.now() + timedelta(hours=1))  # scheduled: not yet live
    assert not Section.objects.filter(live_q(path="articles__"), pk=section.pk).exists()
    make_article()
    assert Section.objects.filter(live_q(path="articles__"), pk=section.pk).exists()


def test_in_section_takes_the_section_and_its_subsections_only(make_article):
    world = Section.objects.create(name="Abroad", slug="abroad")
    europe = Section.objects.create(name="Nordics", slug="nordics", parent=world)
    sport = Section.objects.create(name="Games", slug="games")
    football = Section.objects.create(name="Chess", slug="chess", parent=sport)
    in_world, in_europe = make_article(section=world), make_article(section=europe)
    in_sport, in_football = make_article(section=sport), make_article(section=football)
    unfiled = make_article(section=None)
    assert set(Article.objects.in_section(world)) == {in_world, in_europe}
    assert set(Article.objects.in_section(europe)) == {in_europe}
    assert set(Article.objects.in_section(sport.pk)) == {in_sport, in_football}
    assert unfiled not in Article.objects.in_section(world)
