"""The `masthead` command.

    masthead [--data-dir DIR] demo  [--port PORT] [--workers N]   set up a demo newsroom, serve it
    masthead [--data-dir DIR] serve [--port PORT] [--workers N]   serve an existing site
    masthead bench NAME [--json] ...                              benchmarks (see masthead.bench)
    masthead [--data-dir DIR] <django command> ...                any Django management command

--data-dir may come before or after the command word; MASTHEAD_DATA_DIR is the same thing, and
./masthead-data the default. Problems the user can fix are one line on stderr and exit status 2.
"""

import os
import sys
from pathlib import Path

DEFAULT_DATA_DIR = "masthead-data"


class UsageError(Exception):
    """A problem the user can fix: printed as one line, exit status 2."""


def _pop_option(argv: list[str], name: str) -> str | None:
    """Remove `--name VALUE` or `--name=VALUE` from argv and return VALUE."""
    for i, arg in enumerate(argv):
        if arg == name:
            if i + 1 >= len(argv):
                raise UsageError(f"{name} needs a value")
            value = argv[i + 1]
            del argv[i : i + 2]
            return value
        if arg.startswith(name + "="):
            del argv[i]
            return arg.split("=", 1)[1]
    return None


def prepare_data_dir(path: str) -> Path:
    """Create the data dir if needed and prove it is writable, or raise UsageError."""
    data_dir = Path(path).expanduser()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(f"data dir {data_dir} exists but is not a directory")
    except OSError as exc:
        raise UsageError(f"cannot create data dir {data_dir}: {exc.strerror or exc}")
    probe = data_dir / ".masthead-write-test"
    try:
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"data dir {data_dir} is not writable: {exc.strerror or exc}")
    return data_dir.resolve()


def _setup_django(data_dir: Path) -> None:
    os.environ["MASTHEAD_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()


def _port(argv: list[str]) -> int:
    raw = _pop_option(argv, "--port") or os.environ.get("MASTHEAD_PORT", "8000")
    try:
        port = int(raw)
    except ValueError:
        raise UsageError(f"--port must be a number, not {raw!r}")
    if not 0 < port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {port}")
    return port


def _workers(argv: list[str]) -> int:
    raw = _pop_option(argv, "--workers") or os.environ.get("MASTHEAD_WORKERS", "2")
    try:
        return max(1, int(raw))
    except ValueError:
        raise UsageError(f"--workers must be a number, not {raw!r}")


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # Static files are copied into the data dir so whitenoise serves them from one place.
    call_command("collectstatic", interactive=False, verbosity=0)


def cmd_serve(argv: list[str], data_dir: Path, *, demo: bool) -> int:
    port, workers = _port(argv), _workers(argv)
    host = _pop_option(argv, "--host") or "127.0.0.1"
    if argv:
        raise UsageError(f"unexpected arguments: {' '.join(argv)}")
    _setup_django(data_dir)
    _migrate()
    if demo:
        from masthead.newsroom.demo import load_demo

        load_demo(port=port, host=host, out=sys.stdout)
    from masthead.server import serve

    print(f"Masthead is serving {data_dir} on http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    serve(host=host, port=port, workers=workers)
    return 0


def cmd_bench(argv: list[str]) -> int:
    from masthead.bench import main as bench_main

    return bench_main(argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        data_dir_arg = _pop_option(argv, "--data-dir")
        data_dir_arg = data_dir_arg or os.environ.get("MASTHEAD_DATA_DIR") or DEFAULT_DATA_DIR
        if not argv or argv[0] in {"-h", "--help", "help"}:
            print(__doc__.strip())
            return 0
        command, rest = argv[0], argv[1:]
        if command == "bench":
            return cmd_bench(rest)
        data_dir = prepare_data_dir(data_dir_arg)
        if command in {"demo", "serve"}:
            return cmd_serve(rest, data_dir, demo=command == "demo")
        _setup_django(data_dir)
        from django.core.management import execute_from_command_line

        # Django command names come from module names, which cannot hold a hyphen:
        # `masthead import-wxr` runs the import_wxr command.
        execute_from_command_line(["masthead", command.replace("-", "_"), *rest])
        return 0
    except UsageError as exc:
        print(f"masthead: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
