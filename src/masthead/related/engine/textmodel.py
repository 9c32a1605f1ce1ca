"""The fitted text model: term weights (TF-IDF) and a latent-topic projection (LSA).

An article becomes two vectors:
  - a dense LSA vector (a few dozen topic coordinates), which matches articles on the same subject
    even when they share few exact words;
  - a sparse signature: its most distinctive TF-IDF terms, which matches names and phrases.
Relatedness mixes both cosines (see `neighbours`).

Terms are hashed (no vocabulary to keep in step between processes), so a new article with words
the model never saw still gets a signature; the IDF and the projection are fitted once per
rebuild and stored, so every process transforms a new article the same way.
"""

import io
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.utils import murmurhash3_32

from .text import tokens

N_FEATURES = 2**20
DIMS = 48  # LSA topics; chosen on the development half of the BBC corpus (docs/related.md)
SIGNATURE_SIZE = 32  # distinctive terms kept per article
DENSE_WEIGHT = 0.7  # share of the LSA cosine in the mixed score
SVD_SAMPLE = 10_000  # documents the projection is fitted on; enough to find the topics
SVD_ITERATIONS = 3  # power iterations of the randomized SVD
TRANSFORM_BLOCK = 5000
MAX_LSA_FEATURES = 65_536  # the most common terms (in >= 2 documents) the projection spans

_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads the first word's hash before pairing
_hashes: dict[str, int] = {}  # token -> hash: news reuses its words, so most are looked up


def _hashed(tokens: list[str]) -> np.ndarray:
    """Stable 32-bit hashes of the tokens (Python's own hash() differs between processes)."""
    get = _hashes.get
    found = [get(t) for t in tokens]
    if None in found:
        if len(_hashes) > 2_000_000:
            _hashes.clear()
        for i, h in enumerate(found):
            if h is None:
                found[i] = _hashes[tokens[i]] = murmurhash3_32(tokens[i], seed=0,
                                                                positive=True)
    return np.array(found, dtype=np.uint64)


def count_terms(texts) -> sp.csr_matrix:
    """Raw term counts, one row per text, in hashed feature space: each word, each pair of
    consecutive words and each character gram of unspaced scripts is one feature."""
    n_features = np.uint64(N_FEATURES)
    indptr, chunks = [0], []
    for text in texts:
        words, grams = tokens(text)
        hashed = _hashed(words)
        parts = [hashed % n_features]
        if len(hashed) > 1:
            parts.append(((hashed[:-1] * _MIX) ^ hashed[1:]) % n_features)
        if grams:
            parts.append(_hashed(grams) % n_features)
        ids = np.concatenate(parts)
        chunks.append(ids)
        indptr.append(indptr[-1] + len(ids))
    indices = (np.concatenate(chunks) if chunks else np.zeros(0, np.uint64)).astype(np.int32)
    counts = sp.csr_matrix((np.ones(len(indices), np.float32), indices, np.array(indptr)),
                           shape=(len(indptr) - 1, N_FEATURES))
    counts.sum_duplicates()
    return counts


@dataclass
class Vectors:
    dense: np.ndarray  # (n, dims) float32, unit length or zero
    signature: sp.csr_matrix  # (n, N_FEATURES) float32, unit length or zero


class TextModel:
    def __init__(self, idf: np.ndarray, lsa_features: np.ndarray, components: np.ndarray,
                 n_docs: int, encoder_name: str = "", encoder_dims: int = 0):
        self.idf = idf.astype(np.float32)
        self.lsa_features = lsa_features.astype(np.int64)
        self.components = components.astype(np.float32)
        self.n_docs = n_docs
        self.encoder_name = encoder_name  # the semantic plug-in's model, "" without it
        self.encoder_dims = encoder_dims

    @property
    def lsa_dims(self) -> int:
        return self.components.shape[0]

    @property
    def dims(self) -> int:
        return self.lsa_dims + self.encoder_dims

    @property
    def dense_weight(self) -> float:
        return DENSE_WEIGHT if self.dims else 0.0

    # -- fitting ------------------------------------------------------------------------------
    @classmethod
    def fit(cls, counts: sp.csr_matrix, dims: int = DIMS, seed: int = 0,
            encoder=None) -> "TextModel":
        """Fit on raw counts; with `encoder` (the semantic plug-in) dense vectors also carry
        sentence embeddings, and `transform` then needs the texts too."""
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=N_FEATURES)
        idf = np.log((1.0 + n) / (1.0 + np.maximum(df, 1))) + 1.0
        common = np.flatnonzero(df >= 2)
        if len(common) > MAX_LSA_FEATURES:
            common = common[np.argsort(-df[common], kind="stable")[:MAX_LSA_FEATURES]]
            common.sort()
        k = min(dims, n - 1, len(common) - 1)
        model = cls(idf, common, np.zeros((0, len(common)), np.float32), n,
                    encoder.name if encoder else "", encoder.dims if encoder else 0)
        if k < 2:
            return model  # too little text for topics: the signature alone serves
        rows = np.arange(n)
        if n > SVD_SAMPLE:
            rows = np.sort(np.random.default_rng(seed).choice(n, SVD_SAMPLE, replace=False))
        weighted = model.weigh(counts[rows])[:, common]
        svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=SVD_ITERATIONS,
                           random_state=seed)
        svd.fit(weighted)
        model.components = svd.components_.astype(np.float32)
        return model

    # -- transforming -------------------------------------------------------------------------
    def weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear TF times IDF, rows scaled to unit length."""
        weighted = counts.astype(np.float32, copy=True).tocsr()
        np.log(weighted.data, out=weighted.data)
        weighted.data += 1.0
        weighted.data *= self.idf[weighted.indices]
        return unit_rows(weighted)

    def transform(self, counts: sp.csr_matrix, texts: list[str] | None = None) -> Vectors:
        """Vectors for counted texts, a block of rows at a time (no full weighted copy)."""
        dense_parts, signature_parts = [], []
        for lo in range(0, max(counts.shape[0], 1), TRANSFORM_BLOCK):
            block = counts[lo:lo + TRANSFORM_BLOCK]
            weighted = self.weigh(block)
            dense = np.zeros((block.shape[0], 0), np.float32)
            if self.lsa_dims:
                dense = unit_rows(np.asarray(self._lsa_columns(weighted) @ self.components.T,
                                             dtype=np.float32))
            if self.encoder_dims:
                block_texts = None if texts is None else texts[lo:lo + TRANSFORM_BLOCK]
                dense = unit_rows(np.hstack([dense, self._embed(block_texts,
                                                                block.shape[0])]))
            dense_parts.append(dense)
            signature_parts.append(_keep_top_terms(weighted, SIGNATURE_SIZE))
        return Vectors(dense=np.vstack(dense_parts),
                       signature=sp.vstack(signature_parts, format="csr"))

    def _lsa_columns(self, weighted: sp.csr_matrix) -> sp.csr_matrix:
        """The weights of the terms the projection spans, renumbered to its columns (quicker
        than scipy's column indexing, which walks all 2^20 features for every call)."""
        pos = np.searchsorted(self.lsa_features, weighted.indices)
        pos = np.minimum(pos, max(len(self.lsa_features) - 1, 0))
        hit = self.lsa_features[pos] == weighted.indices
        rows = np.repeat(np.arange(weighted.shape[0]), np.diff(weighted.indptr))
        return sp.csr_matrix((weighted.data[hit], (rows[hit], pos[hit])),
                             shape=(weighted.shape[0], len(self.lsa_features)))

    def _embed(self, texts, n: int) -> np.ndarray:
        """Embeddings as long as the LSA part (equal say), zeros if the plug-in is gone."""
        from . import semantic

        encoder = semantic.load(self.encoder_name)
        if encoder is None or texts is None:
            return np.zeros((n, self.encoder_dims), np.float32)
        return encoder.encode(list(texts))

    # -- storing ------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(buf, idf=self.idf, lsa_features=self.lsa_features,
                            components=self.components, n_docs=np.array([self.n_docs]),
                            encoder=np.array([self.encoder_name]),
                            encoder_dims=np.array([self.encoder_dims]))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "TextModel":
        with np.load(io.BytesIO(bytes(data))) as f:
            return cls(f["idf"], f["lsa_features"], f["components"], int(f["n_docs"][0]),
                       str(f["encoder"][0]), int(f["encoder_dims"][0]))


def _keep_top_terms(weighted: sp.csr_matrix, size: int) -> sp.csr_matrix:
    """Each row's `size` heaviest terms, renormalised."""
    m = weighted.tocsr(copy=True)
    m.sort_indices()
    lengths = np.diff(m.indptr)
    for i in np.flatnonzero(lengths > size):
        lo, hi = m.indptr[i], m.indptr[i + 1]
        row = m.data[lo:hi]
        cut = np.partition(row, -size)[-size]
        keep = row >= cut
        if keep.sum() > size:  # ties at the cut: keep the first ones
            keep &= np.cumsum(keep) <= size
        row[~keep] = 0.0
    m.eliminate_zeros()
    return unit_rows(m)


def unit_rows(m):
    """Rows scaled to unit length (zero rows stay zero); sparse or dense, any number of rows."""
    if sp.issparse(m):
        m = m.tocsr().astype(np.float32)
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        m.data /= np.repeat(norms, np.diff(m.indptr)).astype(np.float32)
        return m
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (m / norms).astype(np.float32)


def pack_signature(signature: sp.csr_matrix, row: int) -> bytes:
    lo, hi = signature.indptr[row], signature.indptr[row + 1]
    return (signature.indices[lo:hi].astype(np.int32).tobytes()
            + signature.data[lo:hi].astype(np.float32).tobytes())


def unpack_signature(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    raw = bytes(data)
    half = len(raw) // 2
    return np.frombuffer(raw[:half], np.int32), np.frombuffer(raw[half:], np.float32)
