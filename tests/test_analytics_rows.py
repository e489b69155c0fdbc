"""Report pages parsed one record at a time give exactly what parsing the page whole gives,
whatever the records hold; reading rows never switches the garbage collector off."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eightbyeight_async._resources._analytics_rows import RowReader, page_records
from eightbyeight_async.types.analytics import convert_value

# Values that try to fool a cut at `},{"total"`: the delimiter inside strings, nested objects
# that start with the same key, escapes, non-ASCII, huge numbers.
TRICKY = st.sampled_from(
    ['},{"total":null', '"},{"total"', "\\", "é", "}", "{", "[", '"', "},{", "\u2028"]
)
TEXT = st.one_of(st.text(max_size=12), TRICKY)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), TEXT)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["total", "key", "x"]), inner, max_size=3),
    ),
    max_leaves=8,
)
ITEM = st.fixed_dictionaries({"key": TEXT, "label": TEXT, "value": VALUE})
ROW = st.fixed_dictionaries(
    {"total": st.one_of(st.none(), VALUE), "items": st.lists(ITEM, max_size=4)}
)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(ROW, max_size=6), ensure_ascii=st.booleans())
def test_record_by_record_parsing_equals_parsing_the_page(
    rows: list[dict[str, Any]], ensure_ascii: bool
) -> None:
    for separators in ((",", ":"), (", ", ": ")):
        body = json.dumps(rows, separators=separators, ensure_ascii=ensure_ascii).encode()
        assert list(page_records(body)) == rows


def test_a_page_whose_strings_hold_the_delimiter_is_read_exactly() -> None:
    rows = [
        {"total": None, "items": [{"key": "a", "label": "A", "value": '},{"total":null,"x'}]},
        {"total": None, "items": [{"key": "b", "label": "B", "value": "2"}]},
    ]
    body = json.dumps(rows, separators=(",", ":")).encode()
    assert list(page_records(body)) == rows


def test_reading_rows_never_switches_the_collector_off(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("gc.disable() was called")

    monkeypatch.setattr(gc, "disable", refuse)
    item = {"key": "presented", "label": "Presented", "value": "1"}
    rows = [{"total": None, "items": [item] * 8} for _ in range(3000)]
    page = RowReader().page(json.dumps(rows, separators=(",", ":")).encode(), 0)
    assert len(page) == 3000
    assert page[-1].values == {"presented": 1}
    assert page[0].raw == rows[0]
    assert gc.isenabled()


def test_integers_beyond_64_bits_stay_exact_when_the_page_is_parsed_piece_by_piece() -> None:
    huge = 2**70 + 1  # orjson would round it to a float
    rows = [
        {"total": None, "items": [{"key": "a", "label": "A", "value": huge}]},
        {"total": None, "items": [{"key": "a", "label": "A", "value": 7}]},
    ]
    body = json.dumps(rows, separators=(",", ":")).encode()
    assert [row.values for row in RowReader().page(body, 0)] == [{"a": huge}, {"a": 7}]


def test_the_value_cache_stays_bounded_and_converts_every_value_alike() -> None:
    reader = RowReader(cache_size=3)
    texts = [str(n) for n in range(10)] + ["2024-05-30T06:00Z", "007", "1.5", "x"] * 2
    items: list[dict[str, Any]] = [
        {"key": f"k{i}", "label": "", "value": text} for i, text in enumerate(texts)
    ]
    items += [{"key": "n", "label": "", "value": None}, {"key": "f", "label": "", "value": 2.0}]
    values = reader.values(items)
    assert values == {f"k{i}": convert_value(text) for i, text in enumerate(texts)} | {
        "n": None,
        "f": 2.0,
    }
    assert type(values["f"]) is float
    assert len(reader._cache) <= 3
