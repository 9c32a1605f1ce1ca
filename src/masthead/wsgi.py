"""The WSGI entry point (`gunicorn masthead.wsgi`). A bad environment value stops the server with
one line naming it and exit status 2, as the `masthead` command does, not with a traceback."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from masthead.environment import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
try:
    application = get_wsgi_application()
except ConfigurationError as exc:
    print(f"masthead: {exc}", file=sys.stderr)
    sys.exit(2)
