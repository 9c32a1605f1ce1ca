"""The in-memory vector index and the ranked related lists it produces.

Score of a candidate C for an article A:
    similarity(A, C) = w * cos(LSA_A, LSA_C) + (1 - w) * cos(signature_A, signature_C)
    score = similarity * freshness(C),  freshness = 1 - R + R * exp(-age_in_days / 365)
with R = 0.1: among equally related articles the recent ones win, but a clearly better old one
still beats a fresh weak one.

Translations form a group (the original and its translations). An article is never related to its
own group; its list is made from the lists of every member of the group (so an English original
lends its neighbours to its Chinese translation); and each related group is shown through the
member in the reader's language when there is one.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .textmodel import N_FEATURES

RECENCY_SHARE = 0.1
RECENCY_DAYS = 365.0
EXACT_LIMIT = 20_000  # above this many articles the full build searches clusters, not everything
CANDIDATES_PER_ROW = 4  # times the list length: room for group members and exclusions
REVERSE_LIMIT = 50  # lists one saved article may enter at once (the best-scoring ones)


def freshness(published: np.ndarray, now: float) -> np.ndarray:
    age_days = np.maximum(0.0, now - published) / 86400.0
    return (1.0 - RECENCY_SHARE + RECENCY_SHARE * np.exp(-age_days / RECENCY_DAYS)).astype(
        np.float32)


@dataclass
class Member:
    """What the index knows about one article besides its vectors."""

    article_id: int
    group: int  # the original's id for a translation, else its own
    language: str
    published: float  # release time, seconds since the epoch
    active: bool = True  # published or scheduled: may appear in lists


@dataclass
class Ranked:
    article_id: int
    score: float


@dataclass
class Query:
    """One article to make a list for: its vectors and whom never to show."""

    article_id: int
    excluded: set = field(default_factory=set)


class VectorIndex:
    def __init__(self, dims: int, dense_weight: float):
        self.dims = dims
        self.dense_weight = dense_weight
        self.n = 0
        self._cap = 0
        self.dense = np.zeros((0, dims), np.float32)
        self.ids = np.zeros(0, np.int64)
        self.group = np.zeros(0, np.int64)
        self.published = np.zeros(0, np.float64)
        self.active = np.zeros(0, bool)
        self.threshold = np.zeros(0, np.float32)
        self.language: list[str] = []
        self.row_of: dict[int, int] = {}
        self.members_of: dict[int, set[int]] = defaultdict(set)  # group -> rows
        self._signatures: list[tuple[np.ndarray, np.ndarray]] = []
        self._csr = None  # signatures of rows [0, _csr_rows) as one matrix, rebuilt lazily
        self._csc = None  # the same by column (term): scoring one article reads 32 columns
        self._csr_rows = 0
        self._stale: set[int] = set()  # rows whose signature changed since _csr was built
        # row -> its similarity to every row, while nothing changes: one update asks for the
        # same row's scores several times (lists it enters, its own list, lists holding it)
        self._similarity_memo: dict[int, np.ndarray] = {}
        self._scratch = np.zeros(N_FEATURES, np.float32)
        self._fresh: tuple = (None, None)  # ((rows, hour), freshness of every row then)

    # -- filling ------------------------------------------------------------------------------
    def _grow(self, need: int) -> None:
        if need <= self._cap:
            return
        cap = max(need, 2 * self._cap, 1024)
        for name in ("dense", "ids", "group", "published", "active", "threshold"):
            old = getattr(self, name)
            new = np.zeros((cap, *old.shape[1:]), old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)
        self._cap = cap

    def put(self, member: Member, dense: np.ndarray, sig_idx: np.ndarray, sig_val: np.ndarray,
            threshold: float = -math.inf) -> int:
        """Add or replace one article's row; returns the row."""
        self._similarity_memo.clear()
        self._fresh = (None, None)
        row = self.row_of.get(member.article_id)
        if row is None:
            self._grow(self.n + 1)
            row = self.n
            self.n += 1
            self.row_of[member.article_id] = row
            self.language.append(member.language)
            self._signatures.append((sig_idx, sig_val))
        else:
            self.members_of[int(self.group[row])].discard(row)
            self.language[row] = member.language
            self._signatures[row] = (sig_idx, sig_val)
            self._stale.add(row)
        self.ids[row] = member.article_id
        self.group[row] = member.group
        self.published[row] = member.published
        self.active[row] = member.active
        self.threshold[row] = threshold
        if self.dims:
            self.dense[row] = dense
        if member.active:
            self.members_of[member.group].add(row)
        return row

    def deactivate(self, article_id: int) -> None:
        row = self.row_of.get(article_id)
        if row is not None:
            self._similarity_memo.clear()
            self.active[row] = False
            self.members_of[int(self.group[row])].discard(row)

    def signatures(self) -> sp.csr_matrix:
        """All rows' signatures as one matrix, built afresh."""
        self._rebuild_csr()
        return self._csr

    def _rebuild_csr(self) -> None:
        lengths = np.fromiter((len(i) for i, _ in self._signatures), np.int64, self.n)
        indptr = np.zeros(self.n + 1, np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = (np.concatenate([i for i, _ in self._signatures]) if self.n
                   else np.zeros(0, np.int32))
        data = (np.concatenate([v for _, v in self._signatures]) if self.n
                else np.zeros(0, np.float32))
        self._csr = sp.csr_matrix((data, indices, indptr), shape=(self.n, N_FEATURES))
        self._csc = None  # built when a single article is scored
        self._csr_rows = self.n
        self._stale = set()

    # -- scoring ------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Build the by-term signature matrix now rather than on the first update."""
        if self._csr is None or self._stale or self._csr_rows != self.n:
            self._rebuild_csr()
        self._csc = self._csr.tocsc()

    def similarity_to_row(self, row: int) -> np.ndarray:
        """Similarity of every row to `row` (no freshness, no masking). Do not modify it.

        Rows added or changed since the signature matrix was built are scored apart, so an
        update does not rebuild the matrix; it is rebuilt once they are many."""
        memo = self._similarity_memo.get(row)
        if memo is not None:
            return memo
        sims = np.zeros(self.n, np.float32)
        if self.dims and self.dense_weight:
            sims += self.dense_weight * (self.dense[: self.n] @ self.dense[row])
        idx, val = self._signatures[row]
        if len(idx):
            if self._csr is None or len(self._stale) + self.n - self._csr_rows > 256:
                self._rebuild_csr()
            if self._csc is None:
                self._csc = self._csr.tocsc()
            sparse = np.zeros(self.n, np.float32)
            sparse[: self._csr_rows] = self._csc[:, idx] @ val
            recent = sorted(self._stale | set(range(self._csr_rows, self.n)))
            if recent:
                self._scratch[idx] = val  # the query as a dense vector, cleared right after
                sparse[recent] = self._rows_matrix(recent) @ self._scratch
                self._scratch[idx] = 0.0
            sims += (1.0 - self.dense_weight) * sparse
        if len(self._similarity_memo) >= 8:
            self._similarity_memo.clear()
        self._similarity_memo[row] = sims
        return sims

    def _rows_matrix(self, rows) -> sp.csr_matrix:
        """The current signatures of a few rows, as a matrix."""
        parts = [self._signatures[r] for r in rows]
        indptr = np.zeros(len(parts) + 1, np.int64)
        np.cumsum([len(i) for i, _ in parts], out=indptr[1:])
        return sp.csr_matrix((np.concatenate([v for _, v in parts]),
                              np.concatenate([i for i, _ in parts]), indptr),
                             shape=(len(parts), N_FEATURES))

    def ranked_list(self, query: Query, size: int, now: float) -> list[Ranked]:
        """The `size` best related articles for one article, made from its whole group."""
        row = self.row_of[query.article_id]
        group = int(self.group[row])
        rows = {row} | self.members_of.get(group, set())
        fresh = self.freshness_of_all(now)
        best: dict[int, float] = {}
        want = size * CANDIDATES_PER_ROW
        for member_row in rows:
            scores = self.similarity_to_row(member_row) * fresh
            for cand, score in _top(scores, self._eligible(group), want):
                if score > best.get(cand, -math.inf):
                    best[cand] = score
        return self.assemble(query, best, size, now)

    def freshness_of_all(self, now: float) -> np.ndarray:
        """Every row's freshness, computed once an hour (and after any change): within an hour
        it moves by less than 0.002 %, which reorders nothing that matters."""
        key = (self.n, int(now // 3600))
        if self._fresh[0] != key:
            self._fresh = (key, freshness(self.published[: self.n], key[1] * 3600.0))
        return self._fresh[1]

    def _eligible(self, group: int) -> np.ndarray:
        ok = self.active[: self.n].copy()
        ok[list(self.members_of.get(group, ()))] = False
        ok[self.group[: self.n] == group] = False
        return ok

    def assemble(self, query: Query, scores: dict[int, float], size: int,
                 now: float) -> list[Ranked]:
        """Collapse candidate rows to one per translation group, in the reader's language."""
        row = self.row_of[query.article_id]
        own_group, language = int(self.group[row]), self.language[row]
        group, active, ids = self.group, self.active, self.ids
        out, seen = [], {own_group}
        # Best first; a group scores as its best member, which comes first.
        for cand, score in sorted(scores.items(), key=lambda kv: -kv[1]):
            g = int(group[cand])
            if g in seen or not active[cand]:
                continue
            seen.add(g)
            shown = self._representative(g, language, query.excluded, now, scores)
            if shown is not None:
                out.append(Ranked(int(ids[shown]), float(score)))
                if len(out) == size:
                    break
        return out

    def _representative(self, group: int, language: str, excluded: set, now: float,
                        scores: dict[int, float]) -> int | None:
        members = self.members_of.get(group, ())
        if len(members) == 1:  # no translations: nearly every article
            (only,) = members
            return None if int(self.ids[only]) in excluded else only
        rows = [r for r in members if int(self.ids[r]) not in excluded]
        if not rows:
            return None
        released = [r for r in rows if self.published[r] <= now] or rows
        for r in released:
            if self.language[r] == language:
                return r
        for r in released:
            if int(self.ids[r]) == group:
                return r
        return max(released, key=lambda r: scores.get(r, -math.inf))

    # -- everything at once -------------------------------------------------------------------
    def all_lists(self, size: int, now: float, excluded: dict[int, set], progress=None,
                  block: int = 512) -> dict[int, list[Ranked]]:
        """Every active article's list: exact search for small archives, clustered above.

        Each article's best candidates are found by its own vectors, block by block; articles
        in translation groups, or with exclusions, are then assembled one by one, and all the
        others (nearly every article) straight from the ordered candidates."""
        rows = np.flatnonzero(self.active[: self.n])
        want = size * CANDIDATES_PER_ROW
        fresh = freshness(self.published[: self.n], now)
        top_rows = np.full((self.n, want), -1, np.int64)
        top_scores = np.full((self.n, want), -np.inf, np.float32)
        csr = self.signatures()
        translated = np.zeros(self.n, bool)
        for members in self.members_of.values():
            if len(members) > 1:
                translated[list(members)] = True
        if len(rows) <= EXACT_LIMIT or not self.dims:
            plan = ((rows[i:i + block], rows) for i in range(0, len(rows), block))
        else:
            plan = _cluster_plan(self.dense, rows, block)
        done = 0
        for query_rows, cand_rows in plan:
            self._block_top(query_rows, cand_rows, fresh, csr, translated, top_rows, top_scores)
            done += len(query_rows)
            if progress:
                progress(done, len(rows))
        lists = {}
        for row in rows:
            article_id = int(self.ids[row])
            cands, scores = top_rows[row], top_scores[row]
            fast = (not translated[row] and article_id not in excluded
                    and not translated[cands[cands >= 0]].any())
            if fast:
                keep = (cands >= 0) & (scores > 0)
                lists[article_id] = [Ranked(int(self.ids[c]), float(v)) for c, v in
                                     zip(cands[keep][:size], scores[keep][:size], strict=True)]
                continue
            merged: dict[int, float] = {}
            for member_row in self.members_of.get(int(self.group[row]), set()) | {int(row)}:
                for c, v in zip(top_rows[member_row], top_scores[member_row], strict=True):
                    if c >= 0 and v > merged.get(int(c), -math.inf):
                        merged[int(c)] = float(v)
            query = Query(article_id, excluded.get(article_id, set()))
            lists[article_id] = self.assemble(query, merged, size, now)
        return lists

    def _block_top(self, query_rows, cand_rows, fresh, csr, translated, top_rows, top_scores):
        """Fill the ordered best candidates (own group left out) of a block of articles."""
        scores = np.zeros((len(query_rows), len(cand_rows)), np.float32)
        if self.dims and self.dense_weight:
            scores += self.dense_weight * (self.dense[query_rows] @ self.dense[cand_rows].T)
        sparse = csr[query_rows] @ csr[cand_rows].T
        scores += (1.0 - self.dense_weight) * sparse.toarray()
        scores *= fresh[cand_rows]
        if translated[query_rows].any() or translated[cand_rows].any():
            same = self.group[query_rows][:, None] == self.group[cand_rows][None, :]
            scores[same] = -np.inf
        else:  # only the article itself shares its group
            order = np.argsort(cand_rows)
            pos = np.searchsorted(cand_rows, query_rows, sorter=order)
            pos = order[np.minimum(pos, len(cand_rows) - 1)]
            hit = cand_rows[pos] == query_rows
            scores[np.flatnonzero(hit), pos[hit]] = -np.inf
        k = min(top_rows.shape[1], len(cand_rows))
        if not k:
            return
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        part_scores = np.take_along_axis(scores, part, axis=1)
        order = np.argsort(-part_scores, axis=1, kind="stable")
        top_rows[query_rows, :k] = cand_rows[np.take_along_axis(part, order, axis=1)]
        top_scores[query_rows, :k] = np.take_along_axis(part_scores, order, axis=1)

    # -- who else should now list an article -----------------------------------------------------
    def lists_to_enter(self, article_id: int, now: float,
                       limit: int = REVERSE_LIMIT) -> list[Ranked]:
        """Articles whose stored list this article now beats (score above their threshold)."""
        row = self.row_of[article_id]
        scores = self.similarity_to_row(row) * freshness(self.published[row: row + 1], now)[0]
        ok = self._eligible(int(self.group[row])) & (scores > self.threshold[: self.n])
        hits = np.flatnonzero(ok)
        if len(hits) > limit:
            hits = hits[np.argsort(-scores[hits])[:limit]]
        return [Ranked(int(self.ids[r]), float(scores[r])) for r in hits]

    def score_between(self, article_id: int, other_ids: list[int], now: float) -> dict[int, float]:
        """Score of `article_id` as a candidate in each of `other_ids`' lists."""
        row = self.row_of[article_id]
        sims = self.similarity_to_row(row) * freshness(self.published[row: row + 1], now)[0]
        return {o: float(sims[self.row_of[o]]) for o in other_ids if o in self.row_of}


def _sparse_dot(ai, av, bi, bv) -> float:
    common, ia, ib = np.intersect1d(ai, bi, assume_unique=True, return_indices=True)
    return float(np.dot(av[ia], bv[ib])) if len(common) else 0.0


def _top(scores: np.ndarray, eligible: np.ndarray, k: int):
    scores = np.where(eligible, scores, -np.inf)
    k = min(k, int(eligible.sum()))
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k]
    return [(int(r), float(scores[r])) for r in part if scores[r] > 0]


def _cluster_plan(dense: np.ndarray, rows: np.ndarray, block: int, probes: int = 8):
    """Blocks of (query rows, candidate rows) for a large archive: articles are clustered on
    their LSA vectors and each cluster is searched against its `probes` nearest clusters."""
    from sklearn.cluster import MiniBatchKMeans

    n_clusters = int(min(1024, max(16, math.sqrt(len(rows)))))
    kmeans = MiniBatchKMeans(n_clusters=n_clusters, batch_size=4096, n_init=1, random_state=0)
    labels = kmeans.fit_predict(dense[rows])
    centres = kmeans.cluster_centers_.astype(np.float32)
    near = np.argsort(-(centres @ centres.T), axis=1)[:, :probes]
    members = [rows[labels == c] for c in range(n_clusters)]
    for c in range(n_clusters):
        if not len(members[c]):
            continue
        cands = np.concatenate([members[o] for o in near[c]])
        for i in range(0, len(members[c]), block):
            yield members[c][i:i + block], cands
