"""Every site starts with the four categories readers are asked about."""

from django.db import migrations

NECESSARY = ("What the site needs to work: remembering your cookie choices, keeping staff signed "
             "in, protecting forms. Always on.")
PREFERENCES = "Remember choices you make on the site, so you need not make them again."
ANALYTICS = "Count visits and see which articles are read, so we can improve the site."
MARKETING = ("Advertising and embedded content from other sites (videos, social media) that may "
             "track you across sites.")
CATEGORIES = [
    ("necessary", "Necessary", NECESSARY, True, False),
    ("preferences", "Preferences", PREFERENCES, False, False),
    ("analytics", "Analytics", ANALYTICS, False, True),
    ("marketing", "Marketing", MARKETING, False, True),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("consent", "Category")
    for position, (key, name, description, necessary, gpc) in enumerate(CATEGORIES):
        Category.objects.get_or_create(key=key, defaults={
            "name": name, "description": description, "necessary": necessary,
            "refused_by_gpc": gpc, "position": position,
        })


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
