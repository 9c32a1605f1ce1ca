"""The public site's named slots: site/ names no other app; apps fill the slots they register."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Engine, TemplateSyntaxError

from masthead.site import slots

SITE = Path(slots.__file__).parent
OTHER_APPS = ("comments", "consent", "related", "discovery")


def test_the_site_names_no_other_apps_template_or_tag_library():
    templates = list((SITE / "templates").rglob("*.html"))
    assert templates
    for path in templates:
        text = path.read_text()
        for app in OTHER_APPS:
            assert not re.search(rf"""["']{app}/""", text), (path, app)
            assert not re.search(rf"{{% load [^%]*\b{app}", text), (path, app)


def test_each_app_fills_its_slots_in_its_ready():
    assert slots.templates_for("head") == ["discovery/head.html"]
    assert slots.templates_for("header") == ["discovery/search_box.html"]
    assert slots.templates_for("article-body") == ["related/article_body.html"]
    assert slots.templates_for("below-article") == [  # related stories, then the discussion
        "related/you_may_also_like.html", "comments/section.html"]
    assert slots.templates_for("card-meta") == ["comments/card_meta.html"]
    assert slots.templates_for("page-body") == ["consent/page_body.html"]
    assert slots.templates_for("footer-links") == ["consent/footer_link.html"]
    assert slots.templates_for("foot") == ["consent/banner.html"]


@pytest.fixture
def empty_slots(monkeypatch):
    """The registry as before any app's ready()."""
    monkeypatch.setattr(slots, "_filled", {name: [] for name in slots.SLOTS})


def engine(**templates):
    return Engine(loaders=[("django.template.loaders.locmem.Loader", templates)],
                  libraries={"slots": "masthead.site.templatetags.slots"})


def test_an_unfilled_slot_shows_its_fallback(empty_slots):
    page = engine().from_string(
        '{% load slots %}<p>{% slot "after-body" %}{{ x }}{% endslot %}</p>')
    assert page.render(Context({"x": "plain"})) == "<p>plain</p>"


def test_contributions_render_with_the_page_context_in_order_one_a_line(empty_slots):
    slots.register("below-article", "b.html", order=20)
    slots.register("below-article", "a.html", order=10)
    slots.register("below-article", "c.html", order=20)  # same order: registration order
    slots.register("below-article", "a.html", order=10)  # a second ready() changes nothing
    e = engine(**{"a.html": "A{{ x }}", "b.html": "B{% with x='inner' %}{{ x }}{% endwith %}",
                  "c.html": "C{{ x }}"})
    page = e.from_string('{% load slots %}{% slot "below-article" %}none{% endslot %}|{{ x }}')
    assert page.render(Context({"x": "1"})) == "A1\nBinner\nC1|1"


def test_registering_an_unknown_slot_or_a_second_body_is_refused(empty_slots):
    with pytest.raises(ImproperlyConfigured, match="No slot named 'sidebar'"):
        slots.register("sidebar", "x.html")
    slots.register("article-body", "one.html")
    with pytest.raises(ImproperlyConfigured, match="takes one template"):
        slots.register("article-body", "two.html")
    assert slots.templates_for("article-body") == ["one.html"]


@pytest.mark.parametrize("tag", ['{% slot "sidebar" %}{% endslot %}',
                                 "{% slot head %}{% endslot %}",
                                 '{% slot "head" "foot" %}{% endslot %}'])
def test_a_template_naming_an_undeclared_slot_fails_when_compiled(tag):
    with pytest.raises(TemplateSyntaxError):
        engine().from_string("{% load slots %}" + tag)
