import pytest

from masthead.newsroom.models import Section, Tag


@pytest.fixture
def newsroom(make_article, section, author):
    """A small published newsroom: a parent section with a subsection, a tag, two authors, and
    the two static pages (made here too: a flushing test elsewhere may have removed the ones the
    data migration creates)."""
    from masthead.newsroom.models import Author, Page

    for slug, title in (("about", "About"), ("privacy-policy", "Privacy & Cookies Policy")):
        Page.objects.get_or_create(slug=slug, defaults={"title": title, "body": f"{title}."})

    europe = Section.objects.create(name="Europe", slug="europe", parent=section)
    sport = Section.objects.create(name="Sport", slug="sport")
    tag = Tag.objects.create(name="Harbour")
    other_author = Author.objects.create(display_name="Ben Columnist")
    lead = make_article(title="Lighthouse reopens after storm", dek="The keeper returns.",
                        body="The lighthouse on the point reopened on Monday.\n\nVisitors came.",
                        tags=[tag])
    europe_story = make_article(title="Ferry strike in the Baltic", section=europe,
                                body="Ferries stayed in port as crews struck over pay.",
                                authors=[other_author])
    match = make_article(title="Harbour rowing club wins", section=sport,
                         body="The rowing club beat the visitors by a length.", tags=[tag])
    return {"section": section, "europe": europe, "sport": sport, "tag": tag, "author": author,
            "other_author": other_author, "lead": lead, "europe_story": europe_story,
            "match": match}
