"""The `[name|value]` encoding shared by click-to-dial, web callback and external IVR: a
round trip for everything it can carry, a clear refusal for what it cannot (the documents
define no escape for `[`, `]` and `|`), and the `$token$` placeholders."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eightbyeight_async import InvalidArgumentError
from eightbyeight_async._userdata import (
    RESERVED_CHARACTERS,
    UserDataToken,
    decode_pairs,
    encode_limited,
    encode_pairs,
)

carried = st.text(st.characters(blacklist_characters="[]|", codec="utf-8"))
names = carried.filter(bool)
pairs = st.lists(st.tuples(names, carried), max_size=8)


@given(pairs)
def test_every_pair_without_reserved_characters_round_trips(data: list[tuple[str, str]]) -> None:
    encoded = encode_pairs(data)
    assert decode_pairs(encoded) == data
    assert encode_pairs(decode_pairs(encoded)) == encoded


@given(pairs, st.data())
def test_a_reserved_character_anywhere_is_refused(
    data: list[tuple[str, str]], draw: st.DataObject
) -> None:
    bad = draw.draw(st.sampled_from(sorted(RESERVED_CHARACTERS)))
    name, value = draw.draw(st.tuples(names, carried))
    in_name = draw.draw(st.booleans())
    spoiled = (name + bad, value) if in_name else (name, value + bad)
    position = draw.draw(st.integers(0, len(data)))
    with pytest.raises(InvalidArgumentError, match="no escape"):
        encode_pairs([*data[:position], spoiled, *data[position:]])


@given(st.text(max_size=40))
def test_decoding_any_text_gives_pairs_or_a_clear_error(text: str) -> None:
    try:
        decoded = decode_pairs(text)
    except InvalidArgumentError as exc:
        error = str(exc)
    else:  # what decodes re-encodes to the same data (whitespace between pairs aside)
        assert decode_pairs(encode_pairs(decoded)) == decoded
        return
    assert "not [name|value] data" in error


def test_whitespace_between_pairs_is_skipped_and_kept_inside() -> None:
    text = "[First Name|John]\n  [Account ID| 12345678 ]"
    assert decode_pairs(text) == [("First Name", "John"), ("Account ID", " 12345678 ")]


@pytest.mark.parametrize("text", ["[a|b", "[a|b|c]", "x[a|b]", "[|b]", "[ab]"])
def test_malformed_data_is_refused(text: str) -> None:
    with pytest.raises(InvalidArgumentError):
        decode_pairs(text)


def test_mapping_and_pairs_keep_their_order() -> None:
    assert encode_pairs({"b": "1", "a": "2"}) == "[b|1][a|2]"
    assert encode_pairs([("a", "1"), ("a", "2")]) == "[a|1][a|2]"


@pytest.mark.parametrize("bad", [[("a", 1)], [("a",)], ["ab"], 5, None, "ab", b"ab"])
def test_non_text_pairs_are_refused(bad: list[object]) -> None:
    with pytest.raises(InvalidArgumentError, match=r"pairs|strings"):
        encode_pairs(bad)  # type: ignore[arg-type]


def test_tokens_render_as_documented_placeholders() -> None:
    assert str(UserDataToken.INTERACTION_GUID) == "$interaction_guid$"
    assert f"{UserDataToken.CALL_ANSWERED_TENANT_TIME}" == "$callAnsweredTenantTT$"
    encoded = encode_pairs({"Subject": f"call {UserDataToken.TRANSACTION_ID}"})
    assert encoded == "[Subject|call $transaction_id$]"
    assert len(UserDataToken) == 20  # every token in the document's table


def test_limits_and_system_data_are_checked_per_parameter() -> None:
    assert encode_limited({"a": "b"}, parameter="p", limit=5) == "[a|b]"
    with pytest.raises(InvalidArgumentError, match="6 characters encoded; the limit is 5"):
        encode_limited({"a": "bc"}, parameter="p", limit=5)
    with pytest.raises(InvalidArgumentError, match="ctl_x is not one this API accepts"):
        encode_limited({"ctl_x": "1"}, parameter="p", system=frozenset({"ctl_y"}))
    assert encode_limited({"ctl_x": "1"}, parameter="p") == "[ctl_x|1]"  # no system data here
