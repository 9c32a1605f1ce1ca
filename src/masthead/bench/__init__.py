"""`masthead bench NAME [--json] ...`: benchmarks that measure targets tests must not time.

Each benchmark is a module here with `run(argv: list[str]) -> int`; it prints a human table, or
with --json one JSON object on stdout. Benchmarks build throwaway sites in temporary data dirs.
"""

import importlib
import sys

BENCHMARKS = {
    "spam": "masthead.bench.spam",
    "related": "masthead.bench.related",
    "search": "masthead.bench.search",
    "import": "masthead.bench.wxr_import",
    "render": "masthead.bench.render",
    "load": "masthead.bench.load",
    "scale": "masthead.bench.scale",
    "admin-save": "masthead.bench.admin_save",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: masthead bench {" + ",".join(BENCHMARKS) + "} [--json] [options]")
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in BENCHMARKS:
        print(f"masthead: unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}",
              file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(BENCHMARKS[name])
    except ModuleNotFoundError as exc:
        if exc.name == BENCHMARKS[name]:
            print(f"masthead: benchmark {name!r} is not available in this build", file=sys.stderr)
            return 2
        raise
    return module.run(rest)
