"""Counting terms: many texts at once into one sparse matrix of hashed term counts.

A term is a counted word (see `text.tokens`), a pair of consecutive counted words, or a
character gram of an unspaced script. Each is hashed into one of N_FEATURES columns, so there is
no vocabulary to keep in step between processes.

The hash is computed with numpy over whole buffers of words rather than word by word in Python,
which is what makes a 100,000-article rebuild fast: the words of many texts are joined into one
byte buffer, and every word's hash comes from prefix sums over that buffer
(h(word) = sum((byte_i + 1) * P**i), then a 64-bit finaliser). Text that is ASCII once its
typographic punctuation is blanked (most English news) is cut into words in bulk too; other text
goes through the regular expressions of `text` one article at a time and is hashed the same way,
so a word has the same column whichever path it took.
"""

import numpy as np
import scipy.sparse as sp

from .text import STOP_WORDS, ascii_words_buffer, counted, unicode_terms

N_FEATURES = 2**20
HASHING_VERSION = 2  # stored with each model: a model fitted under another hashing is refitted

_P = np.uint64(0x100000001B3)  # odd, hence invertible modulo 2**64
_P_INVERSE = np.uint64(pow(0x100000001B3, -1, 2**64))
_PAIR = np.uint64(0x9E3779B97F4A7C15)  # spreads the first word's hash before pairing
_SPACE = 32
_BUFFER_BYTES = 1 << 21  # texts are hashed in buffers of about this size (bounded memory)


def _finalise(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every output bit depends on every input bit."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(30))
        h = h * np.uint64(0xBF58476D1CE4E5B9)
        h = h ^ (h >> np.uint64(27))
        h = h * np.uint64(0x94D049BB133111EB)
        return h ^ (h >> np.uint64(31))


class _Powers:
    """P**i and P**-i for i below a length, grown on demand and kept (they never change).

    Threads of a server process share it: a larger pair is finished before it replaces the old
    one, in a single assignment."""

    def __init__(self):
        self.pair = (np.ones(1, np.uint64), np.ones(1, np.uint64))

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        up, down = self.pair
        if len(up) < n:
            size = max(n, 2 * len(up))
            up = np.full(size, _P, np.uint64)
            down = np.full(size, _P_INVERSE, np.uint64)
            up[0] = down[0] = 1
            with np.errstate(over="ignore"):
                np.cumprod(up, out=up)
                np.cumprod(down, out=down)
            self.pair = (up, down)
        return up[:n], down[:n]


_powers = _Powers()


def word_hashes(buffer: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 64-bit hash, first byte and length of every space-separated word in `buffer`."""
    raw = np.frombuffer(buffer, np.uint8)
    inside = np.zeros(len(raw) + 2, np.int8)
    inside[1:-1] = raw != _SPACE
    edges = np.diff(inside)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    up, down = _powers.upto(len(raw))
    prefix = np.zeros(len(raw) + 1, np.uint64)
    with np.errstate(over="ignore"):
        np.cumsum((raw.astype(np.uint64) + np.uint64(1)) * up, out=prefix[1:])
        hashes = (prefix[ends] - prefix[starts]) * down[starts]
    return _finalise(hashes), starts, ends - starts


def _hashes_of(words) -> np.ndarray:
    """Hashes of a few words, one by one (the same values `word_hashes` gives in bulk)."""
    if not words:
        return np.zeros(0, np.uint64)
    return word_hashes(" ".join(words).encode("utf-8", "surrogatepass"))[0]


_STOP_HASHES = np.sort(_hashes_of(sorted(STOP_WORDS)))


def _counted_ascii(buffer: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Hashes and offsets of the counted words of an ASCII word buffer: no stop words, no
    numbers, nothing of one letter (what `text.counted` says of each, decided in bulk)."""
    hashes, starts, lengths = word_hashes(buffer)
    raw = np.frombuffer(buffer, np.uint8)
    digits = np.zeros(len(raw) + 1, np.int64)
    np.cumsum((raw >= ord("0")) & (raw <= ord("9")), out=digits[1:])
    all_digits = digits[starts + lengths] - digits[starts] == lengths
    at = np.minimum(np.searchsorted(_STOP_HASHES, hashes), len(_STOP_HASHES) - 1)
    keep = (lengths > 1) & ~all_digits & (_STOP_HASHES[at] != hashes)
    return hashes[keep], starts[keep]


def _with_pairs(hashes: np.ndarray, doc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The words plus each pair of consecutive words of the same text, with their text."""
    same = doc[:-1] == doc[1:]
    with np.errstate(over="ignore"):
        pairs = _finalise((hashes[:-1][same] * _PAIR) ^ hashes[1:][same])
    return np.concatenate([hashes, pairs]), np.concatenate([doc, doc[:-1][same]])


def count_terms(texts) -> sp.csr_matrix:
    """Raw term counts, one row per text, in hashed feature space."""
    rows, cols = [], []
    pending: list[bytes] = []  # ASCII word buffers not hashed yet, with their row numbers
    pending_rows: list[int] = []
    pending_size = 0

    def flush():
        nonlocal pending, pending_rows, pending_size
        if not pending:
            return
        offsets = np.cumsum([0] + [len(b) + 1 for b in pending[:-1]])
        hashes, starts = _counted_ascii(b" ".join(pending))
        doc = np.searchsorted(offsets, starts, side="right") - 1
        hashes, doc = _with_pairs(hashes, doc)
        rows.append(np.asarray(pending_rows, np.int64)[doc])
        cols.append(hashes)
        pending, pending_rows, pending_size = [], [], 0

    n = 0
    for n, text in enumerate(texts, 1):
        buffer = ascii_words_buffer(text)
        if buffer is not None:
            pending.append(buffer)
            pending_rows.append(n - 1)
            pending_size += len(buffer)
            if pending_size >= _BUFFER_BYTES:
                flush()
            continue
        words, grams = unicode_terms(text)
        hashes = _hashes_of([w for w in words if counted(w)])
        hashes, _doc = _with_pairs(hashes, np.zeros(len(hashes), np.int64))
        for part in (hashes, _hashes_of(grams)):
            rows.append(np.full(len(part), n - 1, np.int64))
            cols.append(part)
    flush()
    row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    col = ((np.concatenate(cols) if cols else np.zeros(0, np.uint64))
           % np.uint64(N_FEATURES)).astype(np.int32)
    counts = sp.csr_matrix((np.ones(len(row), np.float32), (row, col)),
                           shape=(n, N_FEATURES))
    counts.sum_duplicates()
    return counts


def count_batches(batches, workers: int = 1):
    """`count_terms` of each batch of texts, yielded in order; with `workers` > 1 the counting
    runs in that many worker processes while the caller goes on producing batches (reading
    them from the database, say), a few batches ahead at most."""
    if workers < 2:
        for texts in batches:
            yield count_terms(texts)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    # Forked workers start at once and need no importable __main__ (spawned ones re-import
    # it). They only ever run count_terms on the texts they are sent: nothing they inherit (a
    # database connection, another thread's locks) is touched, and they leave with os._exit.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque = deque()
        for texts in batches:
            pending.append(pool.submit(count_terms, list(texts)))
            while len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
