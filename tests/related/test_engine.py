"""The plain-Python engine: terms, the text model and the vector index (no database)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.related.engine import neighbours, terms
from masthead.related.engine.neighbours import Member, Query, VectorIndex
from masthead.related.engine.terms import count_terms
from masthead.related.engine.text import MAX_CHARS, document_text, tokens
from masthead.related.engine.textmodel import TextModel

from .conftest import TOPICS, body_for

NOW = 1_800_000_000.0
DAY = 86400.0


def test_tokens_drop_stop_words_and_numbers():
    assert tokens("The Bank of England raised rates 2024") == (
        ["bank", "england", "raised", "rates"], [])


def test_unspaced_scripts_become_character_bigrams():
    assert tokens("北京是中国的首都")[1] == ["北京", "京是", "是中", "中国", "国的", "的首", "首都"]
    assert tokens("猫") == ([], ["猫"])
    assert "東京" in tokens("東京タワー")[1]


def test_counts_hold_words_bigrams_and_grams():
    counts = count_terms(["bank england bank england", "北京北京", ""])
    assert counts.shape[0] == 3
    # bank, england and "bank england" twice each, "england bank" once
    assert sorted(counts[0].data) == [1.0, 2.0, 2.0, 2.0]
    assert counts[1].sum() == 3 and counts[2].nnz == 0
    again = count_terms(["bank england bank england"])
    assert (again != counts[0]).nnz == 0  # the same text always hashes the same way


@given(st.text())
@settings(max_examples=200, deadline=None)
def test_any_text_can_be_counted(text):
    words, grams = tokens(text)
    assert all(words) and all(grams)
    assert count_terms([text]).shape[0] == 1


def _reference_terms(text) -> list[int]:
    """A text's terms as `tokens` defines them, hashed one word at a time."""
    words, grams = tokens(text)
    hashed = terms._hashes_of(words)
    with np.errstate(over="ignore"):
        pairs = terms._finalise((hashed[:-1] * terms._PAIR) ^ hashed[1:])
    ids = [*hashed.tolist(), *pairs.tolist(), *terms._hashes_of(grams).tolist()]
    return sorted(i % terms.N_FEATURES for i in ids)


def _counted(row) -> list[int]:
    return sorted(np.repeat(row.indices, row.data.astype(int)).tolist())


_NEWS_TEXT = st.lists(st.sampled_from(
    ["The", "bank", "rates", "2024", "a", "of", "don’t", "“quoted”", "—",
     "…", "Zürich", "straße", "北京是", "猫", "x_y", "\n",
     "e-mail", "  ", "AI", " ", "٣٤"]), max_size=30).map(" ".join)


@given(st.lists(st.one_of(st.text(), _NEWS_TEXT), min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_bulk_counting_matches_counting_one_word_at_a_time(texts):
    """The quick ASCII path and the regular-expression path count exactly what `tokens` says,
    whichever texts share a batch."""
    counts = count_terms(texts)
    assert counts.shape[0] == len(texts)
    for i, text in enumerate(texts):
        assert _counted(counts[i]) == _reference_terms(text)


def test_typographic_punctuation_does_not_change_the_words():
    plain = count_terms(["Don't \"quote\" me - the Bank's rates..."])
    curly = count_terms(["Don’t “quote” me — the Bank’s rates…"])
    assert (plain != curly).nnz == 0


def test_counting_is_the_same_in_large_batches():
    texts = [body_for(topic, i) for topic in TOPICS for i in range(400)]
    together = count_terms(texts)  # several hashing buffers
    assert together.shape[0] == len(texts)
    for i in (0, 7, 801, len(texts) - 1):
        assert (together[i] != count_terms([texts[i]])).nnz == 0


def test_document_text_strips_markup_and_caps_length():
    text = document_text("Title", "Dek", "Some <b>bold</b> [link](http://x.example/y) &amp; more",
                         ["Tag"], "Section")
    assert "<b>" not in text and "x.example" not in text and "& more" in text
    assert "Tag" in text and "Section" in text
    assert len(document_text("t", "", "word " * 400_000)) == MAX_CHARS


def _corpus(per_topic=6):
    texts, labels = [], []
    for topic in TOPICS:
        for i in range(per_topic):
            texts.append(f"{topic} story {i}\n" + body_for(topic, i))
            labels.append(topic)
    return texts, labels


def _index(texts, languages=None, groups=None, published=None):
    counts = count_terms(texts)
    model = TextModel.fit(counts)
    vectors = model.transform(counts)
    index = VectorIndex(model.dims, model.dense_weight)
    for i in range(len(texts)):
        lo, hi = vectors.signature.indptr[i], vectors.signature.indptr[i + 1]
        index.put(Member(i + 1, (groups or {}).get(i + 1, i + 1),
                         (languages or {}).get(i + 1, "en"),
                         (published or {}).get(i + 1, NOW - DAY)),
                  vectors.dense[i], vectors.signature.indices[lo:hi], vectors.signature.data[lo:hi])
    return model, index


def test_same_topic_articles_rank_first():
    texts, labels = _corpus()
    _, index = _index(texts)
    lists = index.all_lists(5, NOW, {})
    for article_id, ranked in lists.items():
        assert article_id not in {r.article_id for r in ranked}
        assert [labels[r.article_id - 1] for r in ranked[:3]] == [labels[article_id - 1]] * 3


def test_incremental_list_matches_full_build():
    texts, _ = _corpus()
    _, index = _index(texts)
    full = index.all_lists(5, NOW, {})
    for article_id in (1, 8, 15):
        one = index.ranked_list(Query(article_id), 5, NOW)
        assert {r.article_id for r in one} == {r.article_id for r in full[article_id]}
        assert np.allclose([r.score for r in one], [r.score for r in full[article_id]],
                           atol=1e-5)


def test_clustered_search_agrees_with_exact_search(monkeypatch):
    texts, _ = _corpus(per_topic=12)
    _, index = _index(texts)
    exact = index.all_lists(5, NOW, {})
    monkeypatch.setattr(neighbours, "EXACT_LIMIT", 5)
    clustered = index.all_lists(5, NOW, {})
    same = [len({r.article_id for r in exact[a]} & {r.article_id for r in clustered[a]}) / 5
            for a in exact]
    assert np.mean(same) > 0.8


def test_fresher_article_wins_a_tie():
    body = body_for("space", 0)
    _, index = _index([body, body, body, body_for("economy", 0)],
                      published={2: NOW - 900 * DAY, 3: NOW - DAY})
    ranked = index.ranked_list(Query(1), 3, NOW)
    assert [r.article_id for r in ranked[:2]] == [3, 2]
    assert ranked[0].score > ranked[1].score > 0.8 * ranked[0].score  # mild, not overwhelming


def test_translations_are_one_group_shown_in_the_readers_language():
    texts = [body_for("space", 0), body_for("space", 1), "Die Rakete startet morgen früh",
             body_for("economy", 0), body_for("space", 2)]
    # 3 is the German translation of 1; 5 is an English article whose German translation... is 3's
    groups = {3: 1}
    languages = {3: "de"}
    _, index = _index(texts, languages=languages, groups=groups)
    # The German translation inherits its original's neighbours.
    german = [r.article_id for r in index.ranked_list(Query(3), 3, NOW)]
    assert german[:2] in ([2, 5], [5, 2])
    assert 1 not in german and 3 not in german
    # An English reader of 2 sees the group through the English original, never twice.
    english = [r.article_id for r in index.ranked_list(Query(2), 4, NOW)]
    assert 1 in english and 3 not in english


def test_excluded_articles_never_appear():
    texts, _ = _corpus()
    _, index = _index(texts)
    best = index.ranked_list(Query(1), 5, NOW)[0].article_id
    again = index.ranked_list(Query(1, excluded={best}), 5, NOW)
    assert best not in {r.article_id for r in again}


def test_lists_to_enter_finds_lists_the_new_article_beats():
    texts, _ = _corpus()
    _, index = _index(texts)
    index.threshold[: index.n] = 1.5  # every list full of perfect matches...
    index.threshold[0] = -math.inf  # ...but article 1's has room
    assert [r.article_id for r in index.lists_to_enter(2, NOW)] == [1]


def test_model_survives_storage_and_handles_tiny_corpora():
    texts, _ = _corpus()
    model = TextModel.fit(count_terms(texts))
    again = TextModel.from_bytes(model.to_bytes())
    a, b = model.transform(count_terms(texts[:2])), again.transform(count_terms(texts[:2]))
    assert np.allclose(a.dense, b.dense) and (a.signature != b.signature).nnz == 0
    for corpus in ([], [""], ["word"], ["one text only"], ["", ""]):
        model = TextModel.fit(count_terms(corpus))
        out = model.transform(count_terms(corpus + ["anything at all"]))
        assert np.isfinite(out.dense).all() and np.isfinite(out.signature.data).all()


def test_empty_and_unrelated_articles_get_empty_lists():
    _, index = _index(["", "zebra", body_for("space", 0)])
    assert index.ranked_list(Query(1), 5, NOW) == []
    assert index.ranked_list(Query(2), 5, NOW) == []


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_index_builds(n):
    _, index = _index([body_for("space", 0)] * n)
    assert all(v == [] for v in index.all_lists(5, NOW, {}).values())


def test_counting_in_worker_processes_gives_the_same_counts_in_order():
    texts = [body_for(topic, i) + f" story{i}" for topic in TOPICS for i in range(30)]
    batches = [texts[i:i + 7] for i in range(0, len(texts), 7)]
    here = list(terms.count_batches(iter(batches), workers=1))
    there = list(terms.count_batches(iter(batches), workers=2))
    assert len(there) == len(batches)
    assert all((a != b).nnz == 0 for a, b in zip(here, there, strict=True))
