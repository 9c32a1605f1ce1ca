"""Serve the site with gunicorn (a production server, not Django's runserver), with background job
workers beside it, and stop all of it promptly and quietly on Ctrl-C or SIGTERM."""

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

log = logging.getLogger("masthead.server")

# A stopping web worker finishes the requests in hand for at most this long.
GRACEFUL_SECONDS = 1


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


class QuietStopLogger(Logger):
    """gunicorn's logger, minus its out-of-memory guess when it had to kill a worker that was
    slow to stop on Ctrl-C: that worker was stopping, not out of memory."""

    def error(self, msg, *args, **kwargs):
        if "Perhaps out of memory" in str(msg):
            return self.info(msg, *args, **kwargs)
        return super().error(msg, *args, **kwargs)


class JobWorkers:
    """`masthead worker` processes run beside the web server, restarted if one dies."""

    def __init__(self, count: int, data_dir: Path):
        self.count = count
        self.command = [sys.executable, "-m", "masthead.cli", "--data-dir", str(data_dir), "worker"]
        self.processes: list[subprocess.Popen] = []
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="job-workers", daemon=True)

    def start(self) -> None:
        self.processes = [subprocess.Popen(self.command) for _ in range(self.count)]
        if self.count:
            self._watcher.start()

    def _watch(self) -> None:
        while not self._stopping.wait(2):
            for i, process in enumerate(self.processes):
                if process.poll() is not None and not self._stopping.is_set():
                    log.warning("job worker %d exited with %s; starting another", process.pid,
                                process.returncode)
                    self.processes[i] = subprocess.Popen(self.command)

    def stop(self, timeout: float = 5) -> None:
        """Ask each worker to stop (it hands back its job at once), then make sure."""
        self._stopping.set()
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _quit_at_once(worker) -> None:
    """Ctrl-C in a web worker: gunicorn's quick shutdown means leaving now, so leave without
    the interpreter's teardown, which can outlast the arbiter's patience on a busy machine."""
    logging.shutdown()  # the access log's last lines
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def serve(*, host: str = "127.0.0.1", port: int = 8000, workers: int = 2,
          access_log: Path | str | None = None, job_workers: int = 1,
          data_dir: Path | None = None) -> None:
    """Serve until interrupted. `access_log`: a file path, "-" for the terminal, None for none."""
    from django.conf import settings
    from django.db import connections

    if isinstance(access_log, Path):
        access_log.parent.mkdir(parents=True, exist_ok=True)
    # Database connections opened before the fork (migrations, demo data) must not be shared.
    connections.close_all()
    jobs = JobWorkers(job_workers, data_dir or Path(settings.DATA_DIR))
    jobs.start()
    code = 0
    try:
        MastheadServer({
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": 4,
            "timeout": 60,
            "graceful_timeout": GRACEFUL_SECONDS,
            "accesslog": str(access_log) if access_log else None,
            "errorlog": "-",
            "loglevel": "warning",
            "logger_class": QuietStopLogger,
            "worker_int": _quit_at_once,
            # The app is loaded once, then forked: workers share its memory.
            "preload_app": True,
        }).run()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        jobs.stop()
        # Stopped and logged: leave without tearing down every loaded module (seconds when busy).
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
