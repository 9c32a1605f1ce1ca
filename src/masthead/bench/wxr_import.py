"""`masthead bench import`: how long a big WordPress import takes, and whether memory stays flat.

Writes a synthetic WXR file (classic HTML bodies with captions, categories in a hierarchy, tags,
threaded comments in every status), then imports it into a fresh throwaway site in a child
process and reports the time and the child's peak memory. It does this for a small and a large
file: streaming import means the peak barely moves when the file grows five-fold.

    masthead bench import [--json] [--posts 10000] [--comments 50000] [--small-factor 5]

Targets: the large import under 120 s on this machine; peak memory of the large import within
1.5x of the small one. The import is measured up to its commit; what other apps do when it commits
(the related-articles index) is reported apart. On a machine shared with other work, compare the
CPU seconds with the target: wall time then mostly measures waiting for a processor.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from .harness import Timer, emit, fresh_site

TARGET_SECONDS = 120
MEMORY_GROWTH_LIMIT = 1.5
WORDS = [
    "harbour", "council", "budget", "election", "river", "school", "bridge", "festival", "market",
    "storm", "hospital", "railway", "museum", "library", "court", "police", "weather", "football",
    "theatre", "archive",
]


def _cdata(text: str) -> str:
    return f"<![CDATA[{text}]]>"


def _paragraphs(rng: random.Random, n: int) -> str:
    paras = []
    for _ in range(n):
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60)))
        paras.append(sentence.capitalize() + ".")
    return "\n\n".join(paras)


def write_wxr(path: Path, posts: int, comments: int, seed: int = 7) -> int:
    """Write a WXR 1.2 file of `posts` posts and `comments` comments; returns its size."""
    rng = random.Random(seed)
    per_post = [comments // posts + (1 if i < comments % posts else 0) for i in range(posts)]
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
                "<title>Bench Gazette</title><link>https://bench.example.org</link>\n"
                "<wp:wxr_version>1.2</wp:wxr_version>\n"
                "<wp:base_blog_url>https://bench.example.org</wp:base_blog_url>\n")
        f.writelines(f"<wp:author><wp:author_id>{a + 1}</wp:author_id><wp:author_login>reporter{a}"
                    f"</wp:author_login><wp:author_email>r{a}@bench.example.org</wp:author_email>"
                    f"<wp:author_display_name>{_cdata(f'Reporter {a}')}</wp:author_display_name>"
                    "</wp:author>\n" for a in range(5))
        for c in range(20):
            parent = f"section-{c % 5}" if c >= 5 else ""
            f.write(f"<wp:category><wp:term_id>{c + 1}</wp:term_id><wp:category_nicename>"
                    f"section-{c}</wp:category_nicename><wp:category_parent>{parent}"
                    f"</wp:category_parent><wp:cat_name>Section {c}</wp:cat_name></wp:category>\n")
        f.writelines(f"<wp:tag><wp:term_id>{1000 + t}</wp:term_id><wp:tag_slug>tag-{t}"
                     f"</wp:tag_slug><wp:tag_name>Tag {t}</wp:tag_name></wp:tag>\n"
                     for t in range(200))
        comment_id = 0
        for p in range(posts):
            post_id = 10_000 + p
            day = 1 + p % 28
            date = f"20{10 + p % 15:02d}-{1 + p % 12:02d}-{day:02d} {p % 24:02d}:15:00"
            body = _paragraphs(rng, rng.randint(3, 8))
            if p % 10 == 0:
                body = (f'[caption id="attachment_{p}" width="640"]<img src="https://bench.'
                        f'example.org/wp-content/uploads/{p}.jpg" alt="Photo {p}" /> A caption '
                        f"for story {p}[/caption]\n\n{body}")
            title = " ".join(rng.choice(WORDS) for _ in range(6)).title() + f" {p}"
            tags = "".join(f'<category domain="post_tag" nicename="tag-{t}">Tag {t}</category>'
                           for t in rng.sample(range(200), 3))
            f.write(f"<item><title>{escape(title)}</title>"
                    f"<link>https://bench.example.org/?p={post_id}</link>"
                    f"<dc:creator>reporter{p % 5}</dc:creator>"
                    f"<content:encoded>{_cdata(body)}</content:encoded>"
                    f"<excerpt:encoded>{_cdata('')}</excerpt:encoded>"
                    f"<wp:post_id>{post_id}</wp:post_id><wp:post_date>{date}</wp:post_date>"
                    f"<wp:post_date_gmt>{date}</wp:post_date_gmt>"
                    f"<wp:comment_status>open</wp:comment_status>"
                    f"<wp:post_name>story-{p}</wp:post_name><wp:status>publish</wp:status>"
                    f"<wp:post_type>post</wp:post_type>"
                    f'<category domain="category" nicename="section-{p % 20}">Section {p % 20}'
                    f"</category>{tags}")
            first = comment_id + 1
            for k in range(per_post[p]):
                comment_id += 1
                parent = first + rng.randrange(k) if k and rng.random() < 0.4 else 0
                approved = rng.choice(["1", "1", "1", "1", "0", "spam", "trash"])
                f.write(f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                        f"<wp:comment_author>Reader {comment_id % 997}</wp:comment_author>"
                        f"<wp:comment_author_email>reader{comment_id % 997}@example.org"
                        f"</wp:comment_author_email><wp:comment_author_IP>192.0.2.{k % 250}"
                        f"</wp:comment_author_IP><wp:comment_date>{date}</wp:comment_date>"
                        f"<wp:comment_date_gmt>{date}</wp:comment_date_gmt>"
                        f"<wp:comment_content>{_cdata(_paragraphs(rng, 1))}"
                        f"</wp:comment_content><wp:comment_approved>{approved}"
                        f"</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>"
                        "</wp:comment>")
            f.write("</item>\n")
        f.write("</channel>\n</rss>\n")
    return path.stat().st_size


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _child(path: str) -> int:
    """Import `path` into a fresh site; print what it cost as JSON.

    The import runs inside an outer transaction, so its own time and memory are measured before
    the commit; the work other apps do when it commits (the related-articles index builds itself
    for archives up to MASTHEAD_RELATED_AUTO_BUILD_MAX articles) is measured apart."""
    with fresh_site():
        from django.db import transaction

        from masthead.importers.importer import import_wxr
        from masthead.newsroom.models import Article

        baseline = _peak_rss_mb()
        cpu_before = time.process_time()
        with transaction.atomic():
            with Timer() as timer:
                summary = import_wxr(path)
            import_cpu = time.process_time() - cpu_before
            import_peak = _peak_rss_mb()
            commit_started = time.perf_counter()
        result = {
            "seconds": timer.seconds, "cpu_seconds": import_cpu, "peak_mb": import_peak,
            "baseline_mb": baseline, "on_commit_seconds": time.perf_counter() - commit_started,
            "peak_with_on_commit_mb": _peak_rss_mb(),
            "articles": Article.objects.count(), "created": summary.total("created"),
        }
    print(json.dumps(result))
    return 0


def _measure(path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = subprocess.run([sys.executable, "-m", "masthead.bench.wxr_import", "--child", str(path)],
                         capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"the import failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="masthead bench import")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--small-factor", type=int, default=5,
                        help="the small file has this many times fewer posts and comments")
    args = parser.parse_args(argv)
    if args.posts < 1 or args.comments < 0 or args.small_factor < 1:
        print("masthead: --posts must be at least 1, --comments and --small-factor positive",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="masthead-bench-wxr-") as tmp:
        small = Path(tmp) / "small.xml"
        large = Path(tmp) / "large.xml"
        small_size = write_wxr(small, max(1, args.posts // args.small_factor),
                               args.comments // args.small_factor)
        large_size = write_wxr(large, args.posts, args.comments)
        small_result = _measure(small)
        large_result = _measure(large)
    growth = large_result["peak_mb"] / small_result["peak_mb"]
    result = {
        "posts": args.posts, "comments": args.comments,
        "file_mb": round(large_size / 1e6, 1), "small_file_mb": round(small_size / 1e6, 1),
        "import_seconds": round(large_result["seconds"], 1),
        # CPU time says what the import costs when other work shares the machine.
        "import_cpu_seconds": round(large_result["cpu_seconds"], 1),
        "posts_per_second": round(args.posts / large_result["seconds"]),
        "peak_memory_mb": round(large_result["peak_mb"], 1),
        "small_file_peak_memory_mb": round(small_result["peak_mb"], 1),
        "memory_growth": round(growth, 2),
        # What other apps do once the import commits, in the same process (not the import's).
        "on_commit_seconds": round(large_result["on_commit_seconds"], 1),
        "small_file_on_commit_seconds": round(small_result["on_commit_seconds"], 1),
        "peak_memory_with_on_commit_mb": round(large_result["peak_with_on_commit_mb"], 1),
        "small_file_peak_memory_with_on_commit_mb": round(
            small_result["peak_with_on_commit_mb"], 1),
        "target_seconds": TARGET_SECONDS,
        "meets_time_target": large_result["seconds"] < TARGET_SECONDS,
        "meets_memory_target": growth < MEMORY_GROWTH_LIMIT,
    }
    emit(result, args.json, "WordPress import (masthead bench import)")
    return 0 if result["meets_time_target"] and result["meets_memory_target"] else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.exit(_child(sys.argv[2]))
    sys.exit(run(sys.argv[1:]))
