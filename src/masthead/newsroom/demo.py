"""The demo newsroom `masthead demo` loads: a fictional paper with sections, authors, tags,
articles (one lead, one breaking, one scheduled, translations, syndicated pieces) and pages.

Loading is idempotent: a data dir that already holds articles is left as it is.
"""

import json
import secrets
from datetime import timedelta
from importlib import resources

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .demo_images import harbour_scene
from .models import Article, Author, Page, Revision, Section, SiteSettings, Tag

PRIVACY_POLICY = """\
This policy explains what personal data {name} collects, why, and what you can do about it.

## Who we are
{name} is an independent news site. Our address is the site you are reading.

## Comments
When you leave a comment we keep what you write in the form, your IP address and your browser's
user-agent string, to help us catch spam. Your e-mail address is never shown. IP addresses are
deleted after 30 days.

## Cookies
We set only the cookies the site needs to work unless you agree to more. You can change your
choice at any time with the "Cookie settings" link at the foot of every page.

## Your rights
You can ask for a copy of the personal data we hold about you, or ask us to erase it. Write to the
editors and we will answer within a month.
"""

ABOUT = """\
{name} is an independent newsroom covering the city, the coast and the world beyond it.

We publish our own reporting and carefully attributed news from partner agencies, including
translations. Every syndicated story names its source.
"""


def _content() -> dict:
    return json.loads(
        resources.files("masthead.newsroom").joinpath("demo_content.json").read_text("utf-8")
    )


@transaction.atomic
def load_demo(port: int = 8000, host: str = "127.0.0.1", out=None) -> bool:
    """Load the demo newsroom unless the site already has articles. Returns True if it loaded."""
    say = (lambda msg: print(msg, file=out, flush=True)) if out else (lambda msg: None)
    if Article.objects.exists():
        say("The data dir already holds a site: keeping it as it is.")
        return False
    data = _content()
    now = timezone.now()

    site = SiteSettings.current()
    site.name, site.tagline = data["site"]["name"], data["site"]["tagline"]
    site.save()

    User = get_user_model()
    password = secrets.token_urlsafe(12)
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser("admin", "admin@example.org", password)
        say(f"Admin sign-in: http://{host}:{port}/admin/  user: admin  password: {password}")
        say("(The password is shown this once; change it in the admin.)")

    sections = {}
    for s in data["sections"]:
        if s.get("parent"):
            continue
        sections[s["slug"]] = Section.objects.create(
            name=s["name"], slug=s["slug"], description=s.get("description", ""),
            position=len(sections),
        )
    for s in data["sections"]:
        if s.get("parent"):
            sections[s["slug"]] = Section.objects.create(
                name=s["name"], slug=s["slug"], description=s.get("description", ""),
                parent=sections[s["parent"]], position=len(sections),
            )

    authors = {}
    for a in data["authors"]:
        user = User.objects.create_user(a["username"], f"{a['username']}@example.org", None,
                                        is_staff=True)
        first, _, last = a["display_name"].partition(" ")
        user.first_name, user.last_name = first, last
        user.save()
        user.groups.add(Group.objects.get(name=a.get("role", "author").title()))
        authors[a["username"]] = Author.objects.create(user=user, display_name=a["display_name"],
                                                       bio=a.get("bio", ""))

    tags = {name: Tag.objects.create(name=name) for name in data["tags"]}
    created = []
    for item in data["articles"]:
        published_at = now - timedelta(days=float(item.get("days_ago", 1)))
        article = Article(
            title=item["title"], dek=item.get("dek", ""), body=item["body"],
            section=sections.get(item.get("section")), language=item.get("language", "en"),
            importance=item.get("importance", 3), is_lead=bool(item.get("lead")),
            status=Article.Status.PUBLISHED, published_at=published_at,
            source_name=item.get("source_name", ""), source_url=item.get("source_url", ""),
            source_language=item.get("source_language", ""),
        )
        if "source_days_ago" in item:
            article.source_published_at = now - timedelta(days=float(item["source_days_ago"]))
        if item.get("breaking"):
            article.breaking_until = now + timedelta(days=1)
        if item.get("translation_of") is not None:
            article.translation_of = created[item["translation_of"]]
        article.created_by = admin
        if article.importance >= 4 or len(created) % 3 == 0:
            article.featured_image.save(f"demo-{len(created)}.jpg",
                                        ContentFile(harbour_scene(len(created))), save=False)
            section_name = article.section.name if article.section else "news"
            article.image_alt = f"Illustration: the harbour at dusk, for a {section_name} story"
            article.image_caption = "Illustration: The Harbour Courier"
        article.save()
        article.tags.set([tags[t] for t in item.get("tags", []) if t in tags])
        article.authors.set([authors[u] for u in item.get("authors", []) if u in authors])
        Revision.snapshot(article, admin)
        created.append(article)

    for slug, title, body in [("privacy-policy", "Privacy & Cookies Policy", PRIVACY_POLICY),
                              ("about", "About", ABOUT)]:
        page, _ = Page.objects.get_or_create(slug=slug, defaults={"title": title})
        page.body = body.format(name=site.name)
        page.save()
    say(f"Loaded the demo newsroom: {len(created)} articles in {len(sections)} sections.")
    return True
