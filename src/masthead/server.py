"""Serve the site with gunicorn (a production server, not Django's runserver)."""

from gunicorn.app.base import BaseApplication


class MastheadServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from masthead.wsgi import application

        return application


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 2) -> None:
    from django.db import connections

    # Database connections opened before the fork (migrations, demo data) must not be shared.
    connections.close_all()
    MastheadServer({
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "timeout": 60,
        "graceful_timeout": 5,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        # The app is loaded once, then forked: workers share its memory.
        "preload_app": True,
    }).run()
