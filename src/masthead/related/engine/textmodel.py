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
from sklearn.feature_extraction.text import HashingVectorizer

from .text import terms

N_FEATURES = 2**20
DIMS = 48  # LSA topics; chosen on the development half of the BBC corpus (docs/related.md)
SIGNATURE_SIZE = 32  # distinctive terms kept per article
DENSE_WEIGHT = 0.7  # share of the LSA cosine in the mixed score
SVD_SAMPLE = 20_000  # documents the projection is fitted on; enough to find the topics
MAX_LSA_FEATURES = 65_536  # the most common terms (in >= 2 documents) the projection spans

_hasher = HashingVectorizer(
    analyzer=terms, n_features=N_FEATURES, alternate_sign=False, norm=None, dtype=np.float32
)


def count_terms(texts) -> sp.csr_matrix:
    """Raw term counts, one row per text, in hashed feature space."""
    texts = list(texts)
    if not texts:
        return sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
    return _hasher.transform(texts).tocsr()


@dataclass
class Vectors:
    dense: np.ndarray  # (n, dims) float32, unit length or zero
    signature: sp.csr_matrix  # (n, N_FEATURES) float32, unit length or zero


class TextModel:
    def __init__(self, idf: np.ndarray, lsa_features: np.ndarray, components: np.ndarray,
                 n_docs: int):
        self.idf = idf.astype(np.float32)
        self.lsa_features = lsa_features.astype(np.int64)
        self.components = components.astype(np.float32)
        self.n_docs = n_docs

    @property
    def dims(self) -> int:
        return self.components.shape[0]

    @property
    def dense_weight(self) -> float:
        return DENSE_WEIGHT if self.dims else 0.0

    # -- fitting ------------------------------------------------------------------------------
    @classmethod
    def fit(cls, counts: sp.csr_matrix, dims: int = DIMS, seed: int = 0) -> "TextModel":
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=N_FEATURES)
        idf = np.log((1.0 + n) / (1.0 + np.maximum(df, 1))) + 1.0
        common = np.flatnonzero(df >= 2)
        if len(common) > MAX_LSA_FEATURES:
            common = common[np.argsort(-df[common], kind="stable")[:MAX_LSA_FEATURES]]
            common.sort()
        k = min(dims, n - 1, len(common) - 1)
        model = cls(idf, common, np.zeros((0, len(common)), np.float32), n)
        if k < 2:
            return model  # too little text for topics: the signature alone serves
        rows = np.arange(n)
        if n > SVD_SAMPLE:
            rows = np.sort(np.random.default_rng(seed).choice(n, SVD_SAMPLE, replace=False))
        weighted = model.weigh(counts[rows])[:, common]
        svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=5, random_state=seed)
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

    def transform(self, counts: sp.csr_matrix) -> Vectors:
        weighted = self.weigh(counts)
        if self.dims:
            dense = np.asarray(weighted[:, self.lsa_features] @ self.components.T,
                               dtype=np.float32)
            dense = unit_rows(dense)
        else:
            dense = np.zeros((counts.shape[0], 0), np.float32)
        return Vectors(dense=dense, signature=_keep_top_terms(weighted, SIGNATURE_SIZE))

    # -- storing ------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(buf, idf=self.idf, lsa_features=self.lsa_features,
                            components=self.components, n_docs=np.array([self.n_docs]))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "TextModel":
        with np.load(io.BytesIO(bytes(data))) as f:
            return cls(f["idf"], f["lsa_features"], f["components"], int(f["n_docs"][0]))


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
