"""A web worker that only enqueues related-list jobs never imports scikit-learn (seconds of
start-up and tens of MB per worker); the job bodies import the store when they run."""

import subprocess
import sys

CHECK = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "masthead.settings"
import django
django.setup()
import masthead.urls  # noqa: F401  (loads every app's views, slots and subscribers)
import masthead.related.jobs  # noqa: F401
print("sklearn" in sys.modules)
"""


def test_loading_the_site_does_not_import_scikit_learn(tmp_path):
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         timeout=120, env={**__import__("os").environ,
                                           "MASTHEAD_DATA_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"
