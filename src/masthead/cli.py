"""The `masthead` command: a thin argparse front over the site.

Its own commands are `demo`, `serve` and `bench`; every other word is a Django management command
with the same settings (`masthead worker`, `masthead migrate`, `masthead import-wxr FILE`: hyphens
become underscores). Every command has --help and takes --data-dir DIR, before or after the
command word (or MASTHEAD_DATA_DIR; default ./masthead-data). A mistake the user can fix (a bad
argument, a bad environment value, a data dir that cannot be written) is one line on stderr and
exit status 2.
"""

import argparse
import difflib
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from masthead.environment import ConfigurationError, Environment

DEFAULT_DATA_DIR = "masthead-data"
ACCESS_LOG_CHOICES = ("file", "terminal", "off")


class UsageError(Exception):
    """A problem the user can fix: printed as one line, exit status 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with a mistake reported as one line (UsageError) instead of usage + error."""

    def error(self, message):
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


@contextmanager
def one_line_argument_errors() -> Iterator[None]:
    """Benchmarks parse their own flags with plain argparse: make their mistakes one line too."""
    original = argparse.ArgumentParser.error
    argparse.ArgumentParser.error = ArgumentParser.error
    try:
        yield
    finally:
        argparse.ArgumentParser.error = original


# -- arguments ----------------------------------------------------------------------------------

def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, not {value!r}")
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, not {port}")
    return port


def _count(minimum: int):
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, not {value!r}")
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {number}")
        return number
    return parse


def _take_data_dir(argv: list[str]) -> tuple[str | None, list[str]]:
    """Remove `--data-dir DIR` / `--data-dir=DIR` wherever it is (up to a `--`)."""
    rest, value, i = [], None, 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg == "--data-dir":
            if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
                raise UsageError("masthead: argument --data-dir: expected a directory")
            value, i = argv[i + 1], i + 2
            continue
        if arg.startswith("--data-dir="):
            value = arg.split("=", 1)[1]
            if not value:
                raise UsageError("masthead: argument --data-dir: expected a directory")
            i += 1
            continue
        rest.append(arg)
        i += 1
    return value, rest


def build_parser() -> ArgumentParser:
    env = Environment()
    common = ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR",
                        help="the site's data (default: $MASTHEAD_DATA_DIR or ./masthead-data)")

    parser = ArgumentParser(
        prog="masthead", parents=[common],
        description="Masthead, a news site in a box.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Every other word is a Django management command with the same settings, e.g.\n"
               "  masthead worker             run background jobs (masthead worker --help)\n"
               "  masthead createsuperuser    add an administrator\n"
               "  masthead import-wxr FILE    import a WordPress export\n"
               "`masthead help COMMAND` shows any command's options.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)

    for name, summary in (
        ("demo", "set up the data dir if needed, load a demo newsroom into an empty site, serve"),
        ("serve", "migrate and serve an existing site until interrupted"),
    ):
        serve = commands.add_parser(name, parents=[common], help=summary, description=summary)
        serve.add_argument("--port", type=_port, default=env.int("MASTHEAD_PORT", 8000,
                           minimum=1, maximum=65535), help="default: $MASTHEAD_PORT or 8000")
        serve.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default: 127.0.0.1)")
        serve.add_argument("--workers", type=_count(1), default=env.int(
            "MASTHEAD_WORKERS", 2, minimum=1), help="web server processes "
            "(default: $MASTHEAD_WORKERS or 2)")
        serve.add_argument("--job-workers", type=_count(0), default=1, metavar="N",
                           help="background job workers to run beside the server (default: 1; "
                                "0 when `masthead worker` runs elsewhere)")
        serve.add_argument("--access-log", choices=ACCESS_LOG_CHOICES,
                           default=env.str("MASTHEAD_ACCESS_LOG", "file",
                                           choices=ACCESS_LOG_CHOICES),
                           help="where requests are logged: a file in the data dir "
                                "(logs/access.log), the terminal, or nowhere "
                                "(default: $MASTHEAD_ACCESS_LOG or file)")

    # Listed for --help only: main() hands `bench ...` to masthead.bench before parsing.
    commands.add_parser("bench", add_help=False, help="run a benchmark: bench NAME [--json] "
                        "(masthead bench --help lists them)")
    return parser


# -- the data dir and Django ----------------------------------------------------------------------

def prepare_data_dir(path: str) -> Path:
    """Create the data dir if needed and prove it is writable, or raise UsageError."""
    data_dir = Path(path).expanduser()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(f"masthead: data dir {data_dir} exists but is not a directory")
    except OSError as exc:
        raise UsageError(f"masthead: cannot create data dir {data_dir}: {exc.strerror or exc}")
    probe = data_dir / ".masthead-write-test"
    try:
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"masthead: data dir {data_dir} is not writable: {exc.strerror or exc}")
    return data_dir.resolve()


def _setup_django(data_dir: Path) -> None:
    os.environ["MASTHEAD_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # Static files are copied into the data dir so whitenoise serves them from one place.
    call_command("collectstatic", interactive=False, verbosity=0)


# -- commands -------------------------------------------------------------------------------------

def _check_port_is_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UsageError(f"masthead: cannot listen on {host}:{port}: "
                             f"{exc.strerror or exc}")


def cmd_serve(args: argparse.Namespace, data_dir: Path) -> int:
    _check_port_is_free(args.host, args.port)
    _setup_django(data_dir)
    _migrate()
    if args.command == "demo":
        from masthead.newsroom.demo import load_demo

        load_demo(port=args.port, host=args.host, out=sys.stdout)
    from masthead.server import serve

    access_log = {"file": data_dir / "logs" / "access.log", "terminal": "-", "off": None}[
        args.access_log]
    where = {"file": f"requests are logged to {access_log}", "terminal": "requests are logged "
             "here", "off": "requests are not logged"}[args.access_log]
    print(f"Masthead is serving {data_dir} on http://{args.host}:{args.port}/ ({where}; "
          "Ctrl-C stops it)", flush=True)
    serve(host=args.host, port=args.port, workers=args.workers, access_log=access_log,
          job_workers=args.job_workers, data_dir=data_dir)
    return 0


def cmd_bench(bench_args: list[str]) -> int:
    from masthead.bench import main as bench_main

    with one_line_argument_errors():
        return bench_main(bench_args)


def cmd_django(word: str, argv: list[str], data_dir: Path) -> int:
    """Run a Django management command; its argument mistakes become one line too."""
    _setup_django(data_dir)
    from django.core.management import get_commands, load_command_class
    from django.core.management.base import CommandError

    name = word.replace("-", "_")  # module names cannot hold a hyphen: import-wxr is import_wxr
    known = get_commands()
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0].replace('_', '-')}?" if close else ""
        raise UsageError(f"masthead: unknown command {word!r}{hint} (masthead --help lists "
                         "the commands)")
    app = known[name]
    command = app if not isinstance(app, str) else load_command_class(app, name)
    prog = f"masthead {word}"
    # Not "called from the command line": Django's parser then raises CommandError on a mistake
    # instead of printing its usage, and we print the one line.
    parser = command.create_parser("masthead", word)
    parser.prog = prog
    try:
        options = parser.parse_args(argv)
    except CommandError as exc:
        raise UsageError(f"{prog}: {str(exc).removeprefix('Error: ')} (see {prog} --help)")
    cmd_options = vars(options)
    positional = cmd_options.pop("args", ())
    try:
        command.execute(*positional, **cmd_options)
    except CommandError as exc:
        if cmd_options.get("traceback"):
            raise
        print(f"{prog}: {exc}", file=sys.stderr)
        # A CommandError is the user's to fix (bad input, a missing file): exit 2, as for a bad
        # argument, unless the command chose its own status.
        return 2 if exc.returncode == 1 else exc.returncode
    finally:
        from django.db import connections

        connections.close_all()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        data_dir_arg, argv = _take_data_dir(argv)
        data_dir_arg = data_dir_arg or os.environ.get("MASTHEAD_DATA_DIR") or DEFAULT_DATA_DIR
        if argv[:1] == ["help"]:
            argv = [*argv[1:2], "--help"]
        word = argv[0] if argv and not argv[0].startswith("-") else None
        if word == "bench":  # each benchmark parses its own flags, --help included
            return cmd_bench(argv[1:])
        if word is not None and word not in {"demo", "serve"}:
            return cmd_django(word, argv[1:], prepare_data_dir(data_dir_arg))
        parser = build_parser()
        if not argv:
            parser.print_help()
            return 0
        args = parser.parse_args(argv)
        return cmd_serve(args, prepare_data_dir(data_dir_arg))
    except (UsageError, ConfigurationError) as exc:
        print(exc if isinstance(exc, UsageError) else f"masthead: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help, or a command that exits on its own
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            return 1
        return exc.code or 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
