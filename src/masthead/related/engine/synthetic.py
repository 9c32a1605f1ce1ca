"""A generated archive for timing the engine at sizes no real corpus here has.

Each article is about one of a few hundred topics: its words come mostly from that topic's own
vocabulary and the rest from a shared, Zipf-distributed general vocabulary, in paragraphs of
news-like length (about 380 words an article, as in the BBC corpus). Deterministic per seed.
"""

import numpy as np

TOPICS = 400
TOPIC_WORDS = 150
GENERAL_WORDS = 20_000
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "da", "pe", "gor", "lin", "tas",
              "ver", "mon", "bel", "cra", "dun", "fel", "han", "jor", "kel", "mar", "nov"]


def _words(rng, count: int) -> list[str]:
    seen, out = set(), []
    while len(out) < count:
        word = "".join(rng.choice(_SYLLABLES, rng.integers(2, 5)))
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


def articles(count: int, seed: int = 1):
    """Yield (title, body, topic) for `count` articles."""
    vocab_rng = np.random.default_rng(0)  # one vocabulary for every seed
    general = np.array(_words(vocab_rng, GENERAL_WORDS))
    topical = np.array(_words(vocab_rng, TOPICS * TOPIC_WORDS)).reshape(TOPICS, TOPIC_WORDS)
    zipf = 1.0 / np.arange(1, GENERAL_WORDS + 1)
    zipf /= zipf.sum()
    topic_zipf = 1.0 / np.arange(1, TOPIC_WORDS + 1) ** 0.8
    topic_zipf /= topic_zipf.sum()
    rng = np.random.default_rng(seed)
    for _ in range(count):
        topic = int(rng.integers(TOPICS))
        length = int(rng.integers(250, 500))
        own = rng.random(length) < 0.3
        words = np.where(own, topical[topic][rng.choice(TOPIC_WORDS, length, p=topic_zipf)],
                         general[rng.choice(GENERAL_WORDS, length, p=zipf)])
        cuts = np.sort(rng.choice(np.arange(20, length - 20), 4, replace=False))
        paragraphs = [" ".join(p) + "." for p in np.split(words, cuts)]
        title = " ".join(topical[topic][rng.choice(TOPIC_WORDS, 6, p=topic_zipf)]).capitalize()
        yield title, "\n\n".join(paragraphs), f"topic-{topic}"
