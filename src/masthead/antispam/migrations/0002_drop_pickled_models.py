"""Models stored by earlier Masthead versions were joblib pickles, which this version does not
read (a pickle is code, and breaks across scikit-learn upgrades). Drop them: the site then
installs the new starter at its next comment, and `masthead retrain-spam` relearns from every
moderated comment. Without this, every comment would wait in Pending until someone retrained."""

from django.db import migrations

ZIP_MAGIC = b"PK\x03\x04"  # the new form is a numpy .npz file, a zip archive


def drop_pickles(apps, schema_editor):
    SpamModelVersion = apps.get_model("antispam", "SpamModelVersion")
    old = [row.pk for row in SpamModelVersion.objects.only("pk", "data").iterator()
           if not bytes(row.data[:4]) == ZIP_MAGIC]
    SpamModelVersion.objects.filter(pk__in=old).delete()


class Migration(migrations.Migration):
    dependencies = [("antispam", "0001_initial")]
    operations = [migrations.RunPython(drop_pickles, migrations.RunPython.noop)]
