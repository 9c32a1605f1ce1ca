"""The consent cookie: signed, parsed strictly; anything else is no choice."""

from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.consent.choice import Choice, decode, new_consent_id


def a_choice(**fields):
    defaults = {"policy_version": 3, "consent_id": new_consent_id(),
                "granted": frozenset({"analytics"}),
                "asked": frozenset({"preferences", "analytics", "marketing"})}
    return Choice(**{**defaults, **fields})


def test_round_trip():
    choice = a_choice()
    raw = choice.encode()
    assert raw.startswith(f"1.3.{choice.consent_id}.analytics.analytics~marketing~preferences:")
    assert decode(raw) == choice


def test_no_category_granted_round_trips():
    choice = a_choice(granted=frozenset())
    assert decode(choice.encode()) == choice


def test_a_forged_signature_is_no_choice():
    raw = a_choice(granted=frozenset()).encode()
    payload, _, signature = raw.rpartition(":")
    forged = payload.replace("..", ".analytics~marketing.") + ":" + signature
    assert decode(forged) is None
    assert decode(payload + ":" + "A" * len(signature)) is None


def test_malformed_values_are_no_choice():
    for raw in ["", "yes", "1.1.short.a.b:sig", "accept-all", "x" * 5000, None]:
        assert decode(raw) is None


def test_covers_needs_the_same_version_and_every_category_asked():
    choice = a_choice()
    assert choice.covers(3, ["preferences", "analytics", "marketing"])
    assert not choice.covers(4, ["preferences", "analytics", "marketing"])
    assert not choice.covers(3, ["preferences", "analytics", "marketing", "social"])
    assert choice.covers(3, ["analytics"])  # a category removed since: nothing new to ask


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_unsigned_text_is_no_choice_and_never_raises(raw):
    assert decode(raw) is None


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_one_character_changed_in_a_real_cookie_is_no_choice(data):
    raw = a_choice().encode()
    assert decode(raw) is not None
    at = data.draw(st.integers(0, len(raw) - 1))
    other = data.draw(st.characters(min_codepoint=32, max_codepoint=126).filter(
        lambda c: c != raw[at]))
    assert decode(raw[:at] + other + raw[at + 1:]) is None


def test_consent_ids_are_random_and_url_safe():
    ids = {new_consent_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == 22 and i.replace("-", "").replace("_", "").isalnum() for i in ids)
