"""The fitted text model: term weights (TF-IDF) and a latent-topic projection (LSA).

An article becomes two vectors:
  - a dense LSA vector (a few dozen topic coordinates), which matches articles on the same subject
    even when they share few exact words;
  - a sparse signature: its most distinctive TF-IDF terms, which matches names and phrases.
Relatedness mixes both cosines (see `neighbours`).

Terms are hashed (`terms`: no vocabulary to keep in step between processes), so a new article
with words the model never saw still gets a signature; the IDF and the projection are fitted once
per rebuild and stored, so every process transforms a new article the same way.
"""

import io
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD

from .terms import HASHING_VERSION, N_FEATURES

DIMS = 48  # LSA topics; chosen on the development half of the BBC corpus (docs/related.md)
SIGNATURE_SIZE = 32  # distinctive terms kept per article
DENSE_WEIGHT = 0.7  # share of the LSA cosine in the mixed score
SVD_SAMPLE = 10_000  # documents the projection is fitted on; enough to find the topics
SVD_ITERATIONS = 3  # power iterations of the randomized SVD
TRANSFORM_BLOCK = 5000
MAX_LSA_FEATURES = 65_536  # the most common terms (in >= 2 documents) the projection spans

@dataclass
class Vectors:
    dense: np.ndarray  # (n, dims) float32, unit length or zero
    signature: sp.csr_matrix  # (n, N_FEATURES) float32, unit length or zero


class TextModel:
    def __init__(self, idf: np.ndarray, lsa_features: np.ndarray, components: np.ndarray,
                 n_docs: int, encoder_name: str = "", encoder_dims: int = 0,
                 hashing: int = HASHING_VERSION):
        self.idf = idf.astype(np.float32)
        self.lsa_features = lsa_features.astype(np.int64)
        self.components = components.astype(np.float32)
        self.n_docs = n_docs
        self.encoder_name = encoder_name  # the semantic plug-in's model, "" without it
        self.encoder_dims = encoder_dims
        self._column_of = None  # feature -> LSA column (-1: none), made when first needed
        self.hashing = hashing  # the term hashing it was fitted under (`terms.HASHING_VERSION`)

    @property
    def current(self) -> bool:
        """Whether today's term counting matches this model's columns."""
        return self.hashing == HASHING_VERSION

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
    def fit(cls, counts, dims: int = DIMS, seed: int = 0, encoder=None) -> "TextModel":
        """Fit on raw counts (one matrix, or a list of row blocks: a large archive's counts are
        never copied into one); with `encoder` (the semantic plug-in) dense vectors also carry
        sentence embeddings, and `transform` then needs the texts too."""
        blocks = _blocks(counts)
        n = sum(b.shape[0] for b in blocks)
        df = np.zeros(N_FEATURES, np.int64)
        for block in blocks:
            df += np.bincount(block.indices, minlength=N_FEATURES)
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
        sample = sp.vstack(list(_sample_rows(blocks, n, seed)), format="csr")
        weighted = model._lsa_columns(model.weigh(sample))
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

    def transform(self, counts, texts: list[str] | None = None) -> Vectors:
        """Vectors for counted texts (one matrix or a list of row blocks), a block of rows at a
        time (no full weighted copy)."""
        dense_parts, signature_parts = [], []
        lo = 0
        for block in (piece for b in _blocks(counts)
                      for piece in _split(b, TRANSFORM_BLOCK)):
            weighted = self.weigh(block)
            dense = np.zeros((block.shape[0], 0), np.float32)
            if self.lsa_dims:
                dense = unit_rows(np.asarray(self._lsa_columns(weighted) @ self.components.T,
                                             dtype=np.float32))
            if self.encoder_dims:
                block_texts = None if texts is None else texts[lo:lo + block.shape[0]]
                dense = unit_rows(np.hstack([dense, self._embed(block_texts,
                                                                block.shape[0])]))
            dense_parts.append(dense)
            signature_parts.append(_keep_top_terms(weighted, SIGNATURE_SIZE))
            lo += block.shape[0]
        return Vectors(dense=np.vstack(dense_parts),
                       signature=sp.vstack(signature_parts, format="csr"))

    def _lsa_columns(self, weighted: sp.csr_matrix) -> sp.csr_matrix:
        """The weights of the terms the projection spans, renumbered to its columns (quicker
        than scipy's column indexing, which walks all 2^20 features for every call)."""
        if self._column_of is None:
            self._column_of = np.full(N_FEATURES, -1, np.int32)
            self._column_of[self.lsa_features] = np.arange(len(self.lsa_features),
                                                           dtype=np.int32)
        columns = self._column_of[weighted.indices]
        hit = columns >= 0
        hits_before = np.zeros(len(hit) + 1, np.int64)
        np.cumsum(hit, out=hits_before[1:])
        indptr = hits_before[weighted.indptr]
        return sp.csr_matrix((weighted.data[hit], columns[hit], indptr),
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
                            encoder_dims=np.array([self.encoder_dims]),
                            hashing=np.array([self.hashing]))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "TextModel":
        with np.load(io.BytesIO(bytes(data))) as f:
            # Models stored before the hashing was versioned used murmurhash3: version 1.
            hashing = int(f["hashing"][0]) if "hashing" in f.files else 1
            return cls(f["idf"], f["lsa_features"], f["components"], int(f["n_docs"][0]),
                       str(f["encoder"][0]), int(f["encoder_dims"][0]), hashing)


def _blocks(counts) -> list[sp.csr_matrix]:
    return list(counts) if isinstance(counts, list | tuple) else [counts]


def _split(block: sp.csr_matrix, size: int):
    if block.shape[0] <= size:
        yield block
        return
    for lo in range(0, block.shape[0], size):
        yield block[lo:lo + size]


def _sample_rows(blocks, n: int, seed: int):
    """Up to SVD_SAMPLE rows drawn evenly at random from the blocks, in order."""
    if n <= SVD_SAMPLE:
        yield from blocks
        return
    chosen = np.sort(np.random.default_rng(seed).choice(n, SVD_SAMPLE, replace=False))
    lo = 0
    for block in blocks:
        hi = lo + block.shape[0]
        mine = chosen[(chosen >= lo) & (chosen < hi)] - lo
        if len(mine):
            yield block[mine]
        lo = hi


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
