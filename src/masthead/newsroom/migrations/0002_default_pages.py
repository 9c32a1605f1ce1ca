"""Every site starts with its settings row and the pages its footer links to: the Privacy &
Cookies Policy and About."""

from django.db import migrations

PRIVACY = """\
This page says what personal data this site collects, why, and what you can do about it.
Editors: add your own text here.

## Comments
When you leave a comment we keep what you write in the form, your IP address and your browser's
user-agent string, to help us catch spam. Your e-mail address is never shown.

## Cookies
We set only the cookies the site needs to work unless you agree to more.
"""


def create_pages(apps, schema_editor):
    Page = apps.get_model("newsroom", "Page")
    SiteSettings = apps.get_model("newsroom", "SiteSettings")
    if not SiteSettings.objects.exists():
        SiteSettings.objects.create()
    from masthead.newsroom.markdown import render_markdown

    for slug, title, body in [
        ("privacy-policy", "Privacy & Cookies Policy", PRIVACY),
        ("about", "About", "About this site. Editors: tell readers who you are."),
    ]:
        if not Page.objects.filter(slug=slug).exists():
            Page.objects.create(slug=slug, title=title, body=body, 
                                body_html=render_markdown(body, heading_ids=True))


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0001_initial")]
    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
