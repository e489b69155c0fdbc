"""Body decoding: the spec's samples decode to records; bad or unsafe bodies are DecodeErrors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eightbyeight_async import _formats as formats
from eightbyeight_async._errors import DecodeError
from eightbyeight_async._formats import (
    Format,
    decode_body,
    decode_csv,
    decode_json,
    decode_xml,
    unwrap_collection,
)

# The spec's samples, with its typos corrected and its "..." placeholder records removed.
GROUPS_XML = b"""<?xml version='1.0'  encoding='UTF-8' ?>
<groups>
    <group>

        <group-id>122</group-id>
        <group-name>Support</group-name>
        <deleted>No</deleted>
    </group>

    <group>
        <group-id>123</group-id>
        <group-name>East Coast Sales</group-name>
        <deleted>Yes</deleted>

    </group>
</groups>
"""

AGENT_INTERACTIONS_XML = b"""<?xml version='1.0'  encoding='UTF-8' ?>
<interactions>
    <interaction>
        <interaction-id>1428</interaction-id>
        <agent-id>fred</agent-id>

        <agent-name>Fred Bloggs</agent-name>
        <group-id>132</group-id>
        <group-name>Support</group-name>
        <accept-timestamp>2008-03-09T09:13:02-07:00</accept-timestamp>

        <process-time>104</process-time>
        <post-process-time>70</post-process-time>
        <finish-timestamp>2008-03-09T09:23:09-07:00</finish-timestamp>
        <transfer-from></transfer-from>

        <conference-from></conference-from>
    </interaction>
</interactions>
"""

ONLINE_SLAS_XML = b"""<?xml version='1.0'  encoding='UTF-8' ?>
<online_slas>
    <online_sla>

        <queue-name>Support</queue-name>
        <channel-id>23</channel-id>
        <time-stamp>2008-02-22T13:30:00-07:00</time-stamp>
        <media-type>T</media-type>

        <entered-count>24</entered-count>
        <accepted>
            <t0-5sec>8</t0-5sec>
            <t5-10sec>5</t5-10sec>
        </accepted>

        <abandoned>
            <t0-5sec>0</t0-5sec>
        </abandoned>
    </online_sla>
</online_slas>
"""

SKILLS_XML = b"""<?xml version='1.0'  encoding='UTF-8' ?>
<skills>
    <skill>
        <enabled>Y</enabled>
        <queue-id>102</queue-id>
        <agent-id>kol</agent-id>
        <skill-level>high</skill-level>
</skill>
    <skill>
        <enabled>N</enabled>
        <queue-id>103</queue-id>
        <agent-id>kol</agent-id>
        <skill-level>medium</skill-level>
    </skill>
</skills>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<interactions><interaction><agent-name>&lol9;</agent-name></interaction></interactions>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE interactions [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<interactions><interaction><agent-name>&x;</agent-name></interaction></interactions>
"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE interactions [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
<interactions/>
"""

PLAIN_DOCTYPE = b"""<?xml version="1.0"?>
<!DOCTYPE interactions SYSTEM "http://127.0.0.1:9/interactions.dtd">
<interactions/>
"""


def test_groups_sample_decodes_to_two_records() -> None:
    records = unwrap_collection(decode_xml(GROUPS_XML), "groups", "group")
    assert records == [
        {"group-id": "122", "group-name": "Support", "deleted": "No"},
        {"group-id": "123", "group-name": "East Coast Sales", "deleted": "Yes"},
    ]


def test_a_lone_xml_record_becomes_a_one_item_list_with_empty_elements_as_none() -> None:
    records = unwrap_collection(decode_xml(AGENT_INTERACTIONS_XML), "interactions", "interaction")
    assert len(records) == 1
    assert records[0]["agent-name"] == "Fred Bloggs"
    assert records[0]["post-process-time"] == "70"
    assert records[0]["transfer-from"] is None
    assert records[0]["conference-from"] is None


def test_nested_sla_buckets_stay_nested_dicts_of_strings() -> None:
    records = unwrap_collection(decode_xml(ONLINE_SLAS_XML), "online_slas", "online_sla")
    assert records[0]["accepted"] == {"t0-5sec": "8", "t5-10sec": "5"}
    assert records[0]["abandoned"] == {"t0-5sec": "0"}


def test_skills_sample_keeps_flags_as_text() -> None:
    records = unwrap_collection(decode_xml(SKILLS_XML), "skills", "skill")
    assert [(r["queue-id"], r["enabled"], r["skill-level"]) for r in records] == [
        ("102", "Y", "high"),
        ("103", "N", "medium"),
    ]


@pytest.mark.parametrize(
    ("xml", "text"),
    [
        (b"<a><phone-extension>007</phone-extension></a>", "007"),
        (b"<a><phone-extension>true</phone-extension></a>", "true"),
        (b"<a><phone-extension>1e3</phone-extension></a>", "1e3"),
        (b"<a><phone-extension>&lt;b&gt; &amp;</phone-extension></a>", "<b> &"),
        ("<a><phone-extension>Zoë</phone-extension></a>".encode(), "Zoë"),
        ("<a><phone-extension>Zoë</phone-extension></a>".encode("utf-16"), "Zoë"),
    ],
)
def test_xml_text_stays_an_unconverted_string(xml: bytes, text: str) -> None:
    assert decode_xml(xml) == {"a": {"phone-extension": text}}


def test_json_wrapped_list_unwraps_in_order() -> None:
    body = b'{"interactions": {"interaction": [{"interaction-id": "1"}, {"interaction-id": "2"}]}}'
    records = unwrap_collection(decode_json(body), "interactions", "interaction")
    assert [r["interaction-id"] for r in records] == ["1", "2"]


def test_json_single_object_quirk_becomes_a_one_item_list() -> None:
    body = b'{"interactions": {"interaction": {"interaction-id": "463", "media-type": "T"}}}'
    records = unwrap_collection(decode_json(body), "interactions", "interaction")
    assert records == [{"interaction-id": "463", "media-type": "T"}]


@pytest.mark.parametrize(
    "document",
    [
        {"interactions": None},
        {"interactions": ""},
        {"interactions": {}},
        {"interactions": {"interaction": []}},
        {"interactions": {"interaction": None}},
        decode_xml(b"<interactions/>"),
        decode_xml(b"<interactions>\n   \n</interactions>"),
        decode_json(b'{"interactions": {}}'),
    ],
)
def test_empty_collection_forms_unwrap_to_no_records(document: Any) -> None:
    assert unwrap_collection(document, "interactions", "interaction") == []


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"agents": {"agent": {"full-name": "Fred Bloggs"}}}, "keys [agents]"),
        ([{"full-name": "Fred Bloggs"}], "a list"),
        ("Fred Bloggs", "a str"),
        ({"interactions": {"agent": {"full-name": "Fred Bloggs"}}}, "keys [agent]"),
        ({"interactions": "Fred Bloggs"}, "a str"),
        ({"interactions": ["Fred Bloggs"]}, "a list"),
        ({"interactions": {"interaction": "Fred Bloggs"}}, "a str"),
        ({"interactions": {"interaction": [{"a": "1"}, "Fred Bloggs"]}}, "a str"),
    ],
)
def test_unexpected_shapes_name_keys_but_never_values(document: Any, expected: str) -> None:
    with pytest.raises(DecodeError) as caught:
        unwrap_collection(document, "interactions", "interaction")
    message = str(caught.value)
    assert "interactions" in message
    assert expected in message
    assert "Fred" not in message
    assert len(message) < 200


def test_many_unexpected_keys_are_cut_short() -> None:
    document = {f"field-{n}": "x" for n in range(50)}
    with pytest.raises(DecodeError, match=r"keys \[field-0, .*, …\]") as caught:
        unwrap_collection(document, "interactions", "interaction")
    assert "field-5" not in str(caught.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"a,b\n1,2\n3,4\n", [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]),
        (
            b"\xef\xbb\xbfagent-id,full-name\r\nfred,Fred Bloggs\r\n",
            [{"agent-id": "fred", "full-name": "Fred Bloggs"}],
        ),
        (b'a,b\n"1,5","line one\nline two"\n', [{"a": "1,5", "b": "line one\nline two"}]),
        (b"a,b\n\n1,2\n\n", [{"a": "1", "b": "2"}]),
        (b"a,b\n,\n", [{"a": "", "b": ""}]),
        ("name\nZoë\n".encode(), [{"name": "Zoë"}]),
        (b"a,b\n", []),
        (b"", []),
    ],
)
def test_csv_rows_become_dicts_keyed_by_the_header(
    body: bytes, expected: list[dict[str, str]]
) -> None:
    assert decode_csv(body) == expected


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"a,b\n1,2\n3\n", "record 2 has 1 cells"),
        (b"a,b\n1,2,3\n", "record 1 has 3 cells"),
        (b"a,a\n1,2\n", "repeats a column"),
        (b'a,b\n"1,2\n', "malformed CSV"),
        (b"a,b\n\xff,2\n", "malformed CSV"),
    ],
)
def test_malformed_csv_is_a_decode_error_not_silent_loss(body: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode_csv(body)


@pytest.mark.parametrize(
    ("fmt", "body", "expected"),
    [
        ("json", b'{"groups": null}', {"groups": None}),
        ("xml", b"<groups/>", {"groups": None}),
        ("csv", b"group-id\n122\n", [{"group-id": "122"}]),
    ],
)
def test_decode_body_dispatches_on_format(fmt: Format, body: bytes, expected: Any) -> None:
    assert decode_body(body, fmt) == expected


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b'{"interactions": {"interaction": [{"interaction-id": "1"',
        b'{"a": 1} trailing',
        b"{'a': 1}",
        b"NaN",
        b'{"a": Infinity}',
        b'"\xff"',
        b"[" * 100_000,
    ],
)
def test_malformed_json_is_a_decode_error(body: bytes) -> None:
    with pytest.raises(DecodeError, match="malformed JSON"):
        decode_json(body)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        GROUPS_XML[: len(GROUPS_XML) // 2],
        b"<interactions><interaction></interactions>",
        b"<records><record/></recordss>",
        b"<a>1</a><b>2</b>",
        b"<a>&undefined;</a>",
        b"not xml at all",
        b"<a>\xff</a>",
    ],
)
def test_malformed_xml_is_a_decode_error(body: bytes) -> None:
    with pytest.raises(DecodeError, match="malformed or unsafe XML"):
        decode_xml(body)


@pytest.mark.parametrize(
    "body",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY, PLAIN_DOCTYPE],
    ids=["billion-laughs", "external-entity", "parameter-entity", "plain-doctype"],
)
def test_any_doctype_is_refused_before_entities_expand(body: bytes) -> None:
    with pytest.raises(DecodeError, match="DOCTYPE") as caught:
        decode_xml(body)
    assert "root:" not in str(caught.value)  # nothing from /etc/passwd


@pytest.mark.parametrize(
    ("decode", "body"),
    [
        (decode_json, b'{"agent-name": "' + b"x" * 10_000),
        (decode_xml, b"<agents><agent>" + b"y" * 10_000),
        (decode_csv, b"a,b\n" + b"z" * 10_000 + b"\n"),
    ],
)
def test_decode_error_quotes_a_short_excerpt_only(
    decode: Callable[[bytes], Any], body: bytes
) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(body)
    error = caught.value
    assert error.body_excerpt.startswith(body[:3].decode())
    assert len(error.body_excerpt) <= 201
    assert len(str(error)) < 400
    assert (error.method, error.url) == (None, None)


@pytest.fixture(params=["stdlib", "msgspec"])
def json_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with each JSON parser the SDK may use (msgspec comes with `speedups`)."""
    if request.param == "msgspec":
        pytest.importorskip("msgspec")  # installed by the dev extra, so this always runs in CI
        monkeypatch.setattr(formats, "parse_json", formats._parse_json_fast)
    else:
        monkeypatch.setattr(formats, "parse_json", formats._parse_json_stdlib)
    return str(request.param)


@pytest.mark.parametrize(
    "body",
    [b"", b'{"a": 1} trailing', b"NaN", b'{"a": Infinity}', b'"\xff"', b"[" * 100_000, b'{"a": '],
)
def test_both_json_parsers_refuse_malformed_bodies(json_parser: str, body: bytes) -> None:
    with pytest.raises(DecodeError, match="malformed JSON"):
        decode_json(body)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"a": "caf\\u00e9"}', {"a": "café"}),
        (b'{"n": 12345678901234567890123}', {"n": 12345678901234567890123}),
        (b"-9223372036854775809", -9223372036854775809),
        ('{"a": "é"}'.encode("utf-16"), {"a": "é"}),
        (b'{"i": {"interaction": {"id": "7"}}}', {"i": {"interaction": {"id": "7"}}}),
    ],
)
def test_both_json_parsers_agree(json_parser: str, body: bytes, expected: object) -> None:
    assert decode_json(body) == expected


JSON_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUE, ensure_ascii=st.booleans())
def test_the_fast_parser_reads_every_document_exactly_as_the_standard_library(
    value: Any, ensure_ascii: bool
) -> None:
    pytest.importorskip("msgspec")  # installed by the dev extra, so this always runs in CI
    body = json.dumps(value, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")
    try:
        expected = repr(formats._parse_json_stdlib(body))  # repr: 1, 1.0 and True differ
    except UnicodeDecodeError:  # a lone surrogate written raw is not UTF-8
        with pytest.raises(UnicodeDecodeError):
            formats._parse_json_fast(body)
        return
    assert repr(formats._parse_json_fast(body)) == expected
