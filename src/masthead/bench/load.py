"""`masthead bench load [--json]`: readers and commenters against a real `masthead serve`, then
`kill -9` mid-write and a restart.

A demo site is served on 127.0.0.1 (only) with the proxy trusted, so every simulated reader and
commenter has its own address through X-Forwarded-For. Readers fetch pages as fast as they can;
commenters post (as a browser without JavaScript would) once per flood window. After the run,
commenters post again and the server's whole process group is killed with SIGKILL while they do.
Then the database is counted (every acknowledged comment must be there) and checked with
`PRAGMA integrity_check`, and the site is started again and timed until it answers.
"""

import argparse
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from masthead.bench.harness import emit, percentile

FLOOD_SECONDS = 15  # the demo site's comment flood limit


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(word: str, data_dir: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["MASTHEAD_TRUSTED_PROXIES"] = "127.0.0.1"
    return subprocess.Popen(
        [sys.executable, "-m", "masthead.cli", "--data-dir", str(data_dir), word,
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)


def _wait_until_serving(base: str, proc: subprocess.Popen, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except (OSError, urllib.error.URLError):
            time.sleep(0.05)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


def _request(url: str, ip: str, data: dict | None = None, origin: str = ""):
    headers = {"X-Forwarded-For": ip, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) "
               "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"}
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data).encode()
        headers.update({"Origin": origin, "Accept": "application/json",
                        "Content-Type": "application/x-www-form-urlencoded"})
    request = urllib.request.Request(url, data=body, headers=headers)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        payload, status = exc.read(), exc.code
    except OSError:
        payload, status = b"", 0  # no answer at all (the server is gone)
    return status, (time.perf_counter() - start) * 1000, payload


class Load:
    def __init__(self, base: str, urls: list[str], articles: list[int]):
        self.base, self.urls, self.articles = base, urls, articles
        self.statuses: Counter = Counter()
        self.read_ms: list[float] = []
        self.post_ms: list[float] = []
        self.acknowledged: list[int] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def reader(self, n: int) -> None:
        ip = f"198.51.{n // 250}.{n % 250 + 1}"
        while not self.stop.is_set():
            status, ms, _ = _request(self.base + random.choice(self.urls), ip)
            with self.lock:
                self.statuses[status] += 1
                if status:
                    self.read_ms.append(ms)

    def commenter(self, n: int, pause: float) -> None:
        ip = f"203.0.113.{n + 1}"
        count = 0
        while not self.stop.is_set():
            count += 1
            status, ms, payload = _request(self.base + "/comments/post/", ip, {
                "comment": f"Reader {n} on the harbour story, remark {count}: the new "
                           "timetable helps the early shift.",
                "author": f"Reader {n}", "email": f"reader{n}@example.org",
                "comment_post_ID": random.choice(self.articles), "comment_parent": "0",
            }, origin=self.base)
            with self.lock:
                self.statuses[status] += 1
                if status:
                    self.post_ms.append(ms)
                if status == 201:
                    self.acknowledged.append(json.loads(payload)["id"])
            self.stop.wait(pause)


def _site_urls(base: str) -> tuple[list[str], list[int]]:
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        home = response.read().decode()
    links = sorted(set(re.findall(r'href="(/\d{4}/\d{2}/\d{2}/[^"]+/)"', home)))
    sections = sorted(set(re.findall(r'href="(/section/[^"]+/)"', home)))
    ids = []
    for link in links[:10]:  # the articles commenters write on: ids from their comment forms
        with urllib.request.urlopen(base + link, timeout=10) as response:
            ids += re.findall(r'name="comment_post_ID" value="(\d+)"', response.read().decode())
    if not ids:
        raise RuntimeError("the demo site shows no article open for comments")
    return ["/", "/feed/", "/search/?q=harbour", *links, *sections], ids


def _count(db: Path, acknowledged: list[int]) -> tuple[int, int, bool]:
    connection = sqlite3.connect(db)
    try:
        stored = {row[0] for row in connection.execute("SELECT id FROM comments_comment")}
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
    return len(stored), len([pk for pk in acknowledged if pk not in stored]), integrity


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="masthead bench load")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", type=int, default=64)
    parser.add_argument("--commenters", type=int, default=8)
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.readers < 1 or args.commenters < 1:
        parser.error("--seconds, --readers and --commenters must be positive")

    with tempfile.TemporaryDirectory(prefix="masthead-bench-load-") as tmp:
        data_dir, port = Path(tmp), _free_port()
        base = f"http://127.0.0.1:{port}"
        server = _start("demo", data_dir, port)
        try:
            _wait_until_serving(base, server, timeout=600)
            urls, articles = _site_urls(base)
            load = Load(base, urls, articles)
            threads = [threading.Thread(target=load.reader, args=(n,), daemon=True)
                       for n in range(args.readers)]
            threads += [threading.Thread(target=load.commenter, args=(n, FLOOD_SECONDS + 0.5),
                                         daemon=True) for n in range(args.commenters)]
            for t in threads:
                t.start()
            load.stop.wait(args.seconds)
            load.stop.set()
            for t in threads:
                t.join(timeout=40)

            # kill -9 while comments are being written: fresh addresses, so no flood refusals.
            crash = Load(base, urls, articles)
            writers = [threading.Thread(target=crash.commenter, args=(100 + n, 0.0), daemon=True)
                       for n in range(args.commenters)]
            for t in writers:
                t.start()
            time.sleep(1.5)
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            crash.stop.set()
            for t in writers:
                t.join(timeout=40)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

        acknowledged = load.acknowledged + crash.acknowledged
        stored, lost, integrity_ok = _count(data_dir / "masthead.sqlite3", acknowledged)
        restarted = _start("serve", data_dir, port)
        try:
            restart_s = _wait_until_serving(base, restarted, timeout=120)
        finally:
            os.killpg(restarted.pid, signal.SIGTERM)
            restarted.wait(timeout=30)

    statuses = load.statuses + Counter({k: v for k, v in crash.statuses.items() if k})
    result = {
        "seconds": args.seconds, "readers": args.readers, "commenters": args.commenters,
        "requests": {str(k): v for k, v in sorted(statuses.items())},
        "five_xx": sum(v for k, v in statuses.items() if 500 <= k < 600),
        "read_p50_ms": percentile(load.read_ms, 50) if load.read_ms else None,
        "read_p99_ms": percentile(load.read_ms, 99) if load.read_ms else None,
        "post_p50_ms": percentile(load.post_ms, 50) if load.post_ms else None,
        "post_p99_ms": percentile(load.post_ms, 99) if load.post_ms else None,
        "comments_acknowledged": len(acknowledged),
        "comments_stored": stored,
        "comments_lost": lost,
        "integrity_ok": integrity_ok,
        "restart_s": round(restart_s, 2),
    }
    if not args.json:
        result["requests"] = ", ".join(f"{k}: {v}" for k, v in result["requests"].items())
    emit(result, args.json, "Readers and commenters against `masthead serve`, then kill -9")
    return 0
