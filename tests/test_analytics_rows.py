"""Report pages parsed one record at a time give exactly what parsing the page whole gives,
whatever the records hold; the documented-shape fast path reads every page as the general
path does; reading rows never switches the garbage collector off."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eightbyeight_async import DecodeError
from eightbyeight_async._pagination import built
from eightbyeight_async._resources import _analytics_rows as analytics_rows
from eightbyeight_async._resources._analytics_rows import RowReader, page_records
from eightbyeight_async.types.analytics import ReportRow, convert_value

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


def _read(body: bytes, first: int) -> list[ReportRow]:
    """The rows `job.rows()` reads from a page whose first row is row `first`."""
    return built(RowReader().page(body, first))


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
    page = _read(json.dumps(rows, separators=(",", ":")).encode(), 0)
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
    assert [row.values for row in _read(body, 0)] == [{"a": huge}, {"a": 7}]


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


# --- the documented-shape fast path (msgspec, with the `speedups` extra) --------------------

DOCUMENTED_TEXT = st.one_of(
    TEXT,
    st.sampled_from(["0", "007", "-3", "1.5", "1e5", "2024-05-30T06:00-07:00", "12" * 20]),
    st.sampled_from(["2024-13-45T06:00Z", "9" * 5000]),  # match a pattern, do not convert
)
DOCUMENTED_ITEM = st.fixed_dictionaries(
    {"key": TEXT},
    optional={"label": TEXT, "value": st.one_of(st.none(), DOCUMENTED_TEXT)},
)
TOTAL = st.fixed_dictionaries(
    {"type": st.sampled_from(["subtotal", "grandtotal", "newkind"])},
    optional={
        "startIndex": st.one_of(st.none(), st.integers(0, 2**70)),
        "endIndex": st.one_of(st.none(), st.integers(0, 2**70)),
    },
)
DOCUMENTED_ROW = st.fixed_dictionaries(
    {"items": st.lists(DOCUMENTED_ITEM, max_size=4)},
    optional={"total": st.one_of(st.none(), TOTAL), "extra": VALUE},
)


def _general_page(body: bytes, monkeypatch: pytest.MonkeyPatch) -> list[ReportRow]:
    """The rows the general path reads from `body` (the fast path switched off)."""
    with monkeypatch.context() as patched:
        patched.setattr(analytics_rows, "decode_documented_page", None)
        return _read(body, 10)


def _described(rows: list[ReportRow]) -> list[Any]:
    """Everything a row says, each value with its type (1, 1.0 and True compare equal)."""
    return [
        (row.index, [(k, type(v), v) for k, v in row.values.items()], row.total, row.raw)
        for row in rows
    ]


def _outcome(read: Callable[[], list[ReportRow]]) -> Any:
    try:
        return _described(read())
    except DecodeError as exc:
        return ("DecodeError", str(exc))


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.one_of(DOCUMENTED_ROW, ROW), max_size=6),
    ensure_ascii=st.booleans(),
)
def test_the_fast_path_reads_every_page_as_the_general_path_does(
    rows: list[dict[str, Any]], ensure_ascii: bool
) -> None:
    body = json.dumps(rows, separators=(",", ":"), ensure_ascii=ensure_ascii).encode()
    monkeypatch = pytest.MonkeyPatch()
    general = _outcome(lambda: _general_page(body, monkeypatch))
    assert _outcome(lambda: _read(body, 10)) == general


def test_pages_of_the_documented_shape_take_the_fast_path() -> None:
    pytest.importorskip("msgspec")  # installed by the dev extra, so this always runs in CI
    assert analytics_rows.decode_documented_page is not None
    item = {"key": "presented", "label": "Presented", "value": "3"}
    documented = [{"total": None, "items": [item]}, {"items": [item | {"value": None}]}]
    assert analytics_rows.decode_documented_page(json.dumps(documented).encode()) is not None
    for other in (
        [{"total": None, "items": [item | {"value": 3}]}],  # a number, not its string
        [{"total": None, "items": {"presented": "3"}}],  # items by key
        [{"total": None, "items": [{"label": "Presented", "value": "3"}]}],  # no key
        [{"total": "subtotal", "items": [item]}],  # a total that is not an object
    ):
        assert analytics_rows.decode_documented_page(json.dumps(other).encode()) is None
    lone_surrogate = b'[{"total":null,"items":[{"key":"k","value":"\\ud800"}]}]'
    assert analytics_rows.decode_documented_page(lone_surrogate) is None
    assert _read(lone_surrogate, 0)[0].values == {"k": "\ud800"}
    utf16 = json.dumps(documented).encode("utf-16")
    assert analytics_rows.decode_documented_page(utf16) is None
    assert [row.values for row in _read(utf16, 0)] == [
        {"presented": 3},
        {"presented": None},
    ]


@pytest.mark.parametrize(
    ("total", "message"),
    [
        ({}, "a report row's total is not an object with a type: {}"),
        (
            {"type": "subtotal", "startIndex": "first"},
            "report row 10 is malformed: ValueError: invalid literal for int() with base 10: "
            "'first'",
        ),
    ],
)
def test_a_malformed_total_says_which_row_on_both_paths(
    total: dict[str, Any], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps([{"total": total, "items": []}]).encode()
    reads: list[Callable[[], list[ReportRow]]] = [
        lambda: _read(body, 10),
        lambda: _general_page(body, monkeypatch),
    ]
    for read in reads:
        with pytest.raises(DecodeError) as raised:
            read()
        assert str(raised.value).startswith(message)


def test_a_page_waiting_in_the_window_holds_almost_nothing_the_collector_tracks() -> None:
    pytest.importorskip("msgspec")
    items = [{"key": f"k{i}", "label": "K", "value": str(i % 3)} for i in range(19)]
    body = json.dumps([{"total": None, "items": items}] * 1000).encode()
    reader = RowReader()
    gc.collect()
    before = len(gc.get_objects())
    waiting = [reader.page(body, index * 1000) for index in range(5)]
    gc.collect()
    assert len(gc.get_objects()) - before < 50  # 5 pages, not 5,000 rows
    rows = built(waiting[4])
    assert len(rows) == 1000
    assert (rows[0].index, rows[-1].index) == (4000, 4999)
    assert rows[-1].values == {f"k{i}": i % 3 for i in range(19)}
