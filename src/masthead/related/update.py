"""Incremental updates: bring the index and every affected list up to date after some articles
changed (saved, published, unpublished, deleted) or an editor changed their choices."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead import changes
from masthead.newsroom.models import Article

from . import build
from .choices import Choices, load_choices
from .engine.neighbours import Query, Ranked
from .engine.terms import count_terms
from .lists import delete_links, holders_of, rewrite_lists, shown_count, stored_count, stored_links
from .models import IndexState, RelatedLink
from .texts import indexable_articles, texts_of
from .vectors import (
    copy_lock,
    forget_copy,
    save_vectors,
    signature_arrays,
    state_for_update,
    synced,
)

log = logging.getLogger(__name__)


def update_articles(article_ids, refill_ids=()) -> None:
    """Bring the index and every affected list up to date after these articles changed, and
    announce the lists that changed (after commit, through the change seam).

    `refill_ids`: articles whose lists must be redone although their own text did not change
    (an editor changed their pins or exclusions, or an article they listed was deleted)."""
    with copy_lock:
        try:
            with transaction.atomic():
                changed = _update_locked(set(article_ids), set(refill_ids))
        except BaseException:
            forget_copy()
            raise
    if isinstance(changed, build.Build):
        build.announce_rebuilt(changed)
    else:
        changes.announce(related=changed)


def _update_locked(article_ids: set, refill_ids: set) -> "set[int] | build.Build":
    """The articles whose lists changed, or the Build that refitted the whole index."""
    state = state_for_update()
    if _needs_refit(state):
        refit = build.compute_build()
        build.write_build(state, refit)
        return refit
    if state.generation == 0:
        return set()  # an archive too large to build on a save: `masthead rebuild_related`
    model, index = synced(state)
    if not model.current:
        log.warning("related articles: the index was built by an older Masthead and is "
                    "left as it is; run `masthead rebuild-related`")
        return set()
    now = timezone.now().timestamp()
    texts = texts_of(article_ids)
    # A deleted article leaves its link rows behind (the page never shows them: it joins to
    # live articles); the lists that held it are redone here.
    deleted = article_ids - set(Article.objects.filter(pk__in=article_ids).values_list(
        "pk", flat=True))
    for holders in holders_of(deleted).values():
        refill_ids.update(holders)
    changed_vectors = []
    for article_id in sorted(article_ids):
        if article_id in texts:
            t = texts[article_id]
            vectors = model.transform(count_terms([t.text]), [t.text])
            stored_before = article_id in index.row_of  # the copy holds every stored row
            row = index.put(t.member, vectors.dense[0], *signature_arrays(vectors, 0))
            changed_vectors.append((article_id, vectors, row, stored_before))
        elif article_id in index.row_of:
            index.deactivate(article_id)

    recompute: set[int] = set()
    merges: dict[int, dict[int, float]] = {}
    for article_id, _vectors, row, _stored_before in changed_vectors:
        group = int(index.group[row])
        recompute |= {int(index.ids[r]) for r in index.members_of.get(group, ())}
        recompute.add(article_id)
        for entry in index.lists_to_enter(article_id, now):
            merges.setdefault(entry.article_id, {})[article_id] = entry.score
    # Lists that hold a changed article: its score there changes, or it leaves them.
    for related, lists_holding in holders_of(article_ids, [RelatedLink.Kind.AUTO]).items():
        scores = index.score_between(related, lists_holding, now) if related in texts else {}
        for holder in lists_holding:
            merges.setdefault(holder, {})[related] = scores.get(holder)
    # Articles that are no longer indexable keep no list of their own.
    gone = article_ids - set(texts)
    if gone:
        delete_links(gone)
    # A draft's choices changed, or a live article's: its own list is redone anyway.
    recompute |= {a for a in refill_ids if a in index.row_of and index.active[index.row_of[a]]}
    for a in list(merges):
        if a in gone or a not in index.row_of or not index.active[index.row_of[a]]:
            merges.pop(a)

    all_ids = recompute | set(merges)
    choices = load_choices(all_ids)
    stored = stored_links(all_ids)
    live = int(index.active[: index.n].sum())
    lists: dict[int, list[Ranked]] = {}
    for a in set(merges) - recompute:
        scores = {row[2]: row[5] for row in stored[a] if row[3] == RelatedLink.Kind.AUTO}
        for related, score in merges[a].items():
            if score is None:
                scores.pop(related, None)
            else:
                scores[related] = score
        by_row = {index.row_of[r]: s for r, s in scores.items() if r in index.row_of}
        excluded = set(choices.get(a, Choices()).excluded)
        ranked = index.assemble(Query(a, excluded), by_row, stored_count(), now)
        if len(ranked) <= shown_count() and live > len(ranked) + 1:
            recompute.add(a)  # lost too many: search afresh
        else:
            lists[a] = ranked
    for a in recompute:
        excluded = set(choices.get(a, Choices()).excluded)
        lists[a] = index.ranked_list(Query(a, excluded), stored_count(), now)
    changed = rewrite_lists(lists, choices, stored)
    save_vectors(state, index, changed_vectors, gone, lists)
    return changed | gone


def _needs_refit(state: IndexState) -> bool:
    """Small archives refit whenever they have doubled since the last fit: IDF from a handful
    of articles says little. Large ones wait for `masthead rebuild_related`."""
    limit = settings.MASTHEAD_RELATED_AUTO_BUILD_MAX
    outdated = False
    if state.generation:
        model, _index = synced(state)
        fitted, outdated = model.n_docs, not model.current
        if 2 * max(fitted, 1) > limit and not outdated:
            return False  # doubling would pass the limit: no need to count
    live_count = indexable_articles().count()
    if live_count > limit:
        if state.generation == 0:
            log.warning("related articles: no index yet; run `masthead rebuild_related`")
        return False
    return state.generation == 0 or outdated or live_count >= 2 * max(fitted, 1)
