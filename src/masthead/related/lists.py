"""The stored related lists (RelatedLink rows): what each list holds and how it is written.

Pins come first, then an editor's chosen See also, then the computed entries best first."""

from django.conf import settings
from django.db import connection

from .choices import Choices
from .engine.neighbours import Ranked
from .models import RelatedChoice, RelatedLink
from .sql import execute, in_lists, table

SPARE = 6  # stored beyond what is shown: scheduled or unpublished entries leave room


def shown_count() -> int:
    return max(1, settings.MASTHEAD_RELATED_COUNT)


def stored_count() -> int:
    return shown_count() + SPARE


def threshold(ranked: list[Ranked]) -> float | None:
    """The lowest score in a full list: a newcomer must beat it to enter."""
    return ranked[-1].score if len(ranked) >= stored_count() else None


def link_rows(lists: dict[int, list[Ranked]], choices: dict[int, Choices]) -> list[tuple]:
    """The stored rows of these lists: pins, chosen See also, then the computed list, as
    (article_id, related_id, kind, rank, score, see_also_ok)."""
    rows = []
    for article_id, ranked in lists.items():
        choice = choices.get(article_id, Choices())
        for rank, pinned in enumerate(choice.pins):
            rows.append((article_id, pinned, RelatedLink.Kind.PIN, rank, 1.0, False))
        if choice.see_also == RelatedChoice.SeeAlso.CHOSEN and choice.see_also_article:
            rows.append((article_id, choice.see_also_article, RelatedLink.Kind.CHOSEN_SEE_ALSO,
                         0, 1.0, True))
        auto_ok = choice.see_also == RelatedChoice.SeeAlso.AUTO
        for entry in ranked:  # computed entries are read in score order: no rank to keep
            if entry.article_id not in choice.excluded:
                rows.append((article_id, entry.article_id, RelatedLink.Kind.AUTO, 0,
                             entry.score, auto_ok))
    return rows


def write_lists(lists: dict[int, list[Ranked]], choices: dict[int, Choices]) -> None:
    """Replace the stored links of these articles (a full build: nothing to compare with)."""
    if lists:
        delete_links(list(lists))
        insert_links(link_rows(lists, choices))


def rewrite_lists(lists: dict[int, list[Ranked]], choices: dict[int, Choices],
                  stored: dict[int, list[tuple]]) -> set[int]:
    """Bring these articles' stored links to their new lists, touching only rows that change;
    returns the articles whose stored list changed.

    A new article usually enters a list and pushes its last entry out: one row inserted and one
    deleted, where deleting and inserting the whole list would rewrite every row and every
    entry of the index by related article (and make SQLite checkpoint its log far oftener)."""
    kept: dict[tuple, tuple] = {}  # (article, related, kind) -> stored row
    deletes = []
    changed: set[int] = set()
    for article_id in lists:
        for row in stored.get(article_id, ()):
            twin = kept.pop((row[1], row[2], row[3]), None)
            if twin is not None:
                deletes.append(twin[0])  # never written twice, but never kept twice either
                changed.add(article_id)
            kept[(row[1], row[2], row[3])] = row
    inserts, updates = [], []
    for row in link_rows(lists, choices):
        old = kept.pop((row[0], row[1], row[2]), None)
        if old is None:
            inserts.append(row)
            changed.add(row[0])
        elif (old[4], old[5], old[6]) != (row[3], row[4], row[5]):
            updates.append((row[3], row[4], row[5], old[0]))
            changed.add(row[0])
    for row in kept.values():
        deletes.append(row[0])
        changed.add(row[1])
    links = table(RelatedLink)
    with connection.cursor() as cursor:
        for chunk, marks in in_lists(deletes):
            cursor.execute(f"DELETE FROM {links} WHERE id IN ({marks})", chunk)
        if updates:
            cursor.executemany(f"UPDATE {links} SET rank = %s, score = %s, see_also_ok = %s "
                               "WHERE id = %s", updates)
    insert_links(inserts)
    return changed


def stored_links(article_ids) -> dict[int, list[tuple]]:
    """The stored rows of these articles' lists:
    (id, article_id, related_id, kind, rank, score, see_also_ok)."""
    ids = sorted(article_ids)
    out: dict[int, list[tuple]] = {a: [] for a in ids}
    with connection.cursor() as cursor:
        for chunk, marks in in_lists(ids):
            cursor.execute(
                "SELECT id, article_id, related_id, kind, rank, score, see_also_ok FROM "
                f"{table(RelatedLink)} WHERE article_id IN ({marks})", chunk)
            for row in cursor.fetchall():
                out[row[1]].append((row[0], row[1], row[2], row[3], row[4], row[5],
                                    bool(row[6])))
    return out


def holders_of(article_ids, kinds=None) -> dict[int, list[int]]:
    """The articles whose stored lists hold each of these, by held article."""
    rows = RelatedLink.objects.filter(related_id__in=list(article_ids))
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    holders: dict[int, list[int]] = {}
    for holder, related in rows.order_by().values_list("article_id", "related_id"):
        holders.setdefault(related, []).append(holder)
    return holders


def delete_links(article_ids) -> None:
    for chunk, marks in in_lists(article_ids):
        execute(f"DELETE FROM {table(RelatedLink)} WHERE article_id IN ({marks})", chunk)


def delete_all_links() -> None:
    execute(f"DELETE FROM {table(RelatedLink)}")


def insert_links(rows) -> None:
    sql = (f"INSERT INTO {table(RelatedLink)} (article_id, related_id, kind, rank, score, "
           "see_also_ok) VALUES (%s, %s, %s, %s, %s, %s)")
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[i:i + 10_000])
