"""Response body decoding: JSON, XML and CSV bytes in, plain dicts and lists out.

Every decoder is a pure function that raises `DecodeError` (with a short body excerpt) on a
malformed, truncated or unsafe body; the HTTP layer attaches the method and URL.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from typing import Any, Literal
from xml.parsers import expat

import xmltodict

from ._errors import DecodeError

Format = Literal["json", "xml", "csv"]
DocumentFormat = Literal["json", "xml"]
"""The structured formats of the APIs that answer JSON or XML (their methods' `format=`)."""


def _parse_json_stdlib(body: bytes) -> Any:
    return json.loads(body, parse_constant=_reject_constant)


def _parse_json_fast(body: bytes) -> Any:
    """msgspec for UTF-8 (~2x the standard library, integers of any size kept exact); the
    standard library for what msgspec refuses (UTF-16/32, lone surrogates, numbers beyond a
    double), which also raises the precise error for a body that really is broken."""
    try:
        return _decode_msgspec(body)
    except msgspec.DecodeError:
        return _parse_json_stdlib(body)


parse_json: Callable[[bytes], Any]
"""The JSON parser of every decoder: `_parse_json_fast` with the `speedups` extra."""

try:  # the `speedups` extra
    import msgspec
except ImportError:  # pragma: no cover - depends on the installation
    parse_json = _parse_json_stdlib
else:
    _decode_msgspec = msgspec.json.Decoder().decode
    parse_json = _parse_json_fast


def decode_json(body: bytes) -> Any:
    """Parse a JSON body (UTF-8/16/32); empty, truncated or non-standard JSON is an error."""
    try:
        return parse_json(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise DecodeError(f"malformed JSON body: {_reason(exc)}", body=body) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _UnsafeXMLError(Exception):
    """Raised from inside expat when the document declares a DOCTYPE."""


def _reject_doctype(*_: object) -> None:
    raise _UnsafeXMLError("DOCTYPE declarations are refused (entity expansion, external DTDs)")


class _DoctypeRefusingExpat:
    """The `expat` module as xmltodict uses it, but each parser refuses any DOCTYPE.

    The refusal fires at `<!DOCTYPE`, before an internal subset is read, so entity bombs and
    external entities fail before any expansion; xmltodict also forbids entity declarations.
    """

    @staticmethod
    def ParserCreate(
        encoding: str | None = None, namespace_separator: str | None = None
    ) -> expat.XMLParserType:
        parser = expat.ParserCreate(encoding, namespace_separator)
        parser.StartDoctypeDeclHandler = _reject_doctype
        return parser


def decode_xml(body: bytes) -> dict[str, Any]:
    """Parse an XML body with xmltodict: empty elements are None, text stays a string."""
    try:
        document = xmltodict.parse(body, expat=_DoctypeRefusingExpat, disable_entities=True)
    except (expat.ExpatError, _UnsafeXMLError, ValueError) as exc:
        raise DecodeError(f"malformed or unsafe XML body: {_reason(exc)}", body=body) from None
    if not isinstance(document, dict):
        raise DecodeError("XML body has no root element", body=body)
    return document


def decode_csv(body: bytes) -> list[dict[str, str]]:
    """Parse a CSV body (UTF-8, optional BOM) into one dict per row, keyed by the header row.

    Blank lines are skipped; a row whose cell count differs from the header's, a repeated
    column name or broken quoting is a DecodeError, never silently padded or dropped.
    """
    try:
        text = body.decode("utf-8-sig")
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), strict=True) if row]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DecodeError(f"malformed CSV body: {_reason(exc)}", body=body) from None
    if not rows:
        return []
    header, *records = rows
    if len(set(header)) != len(header):
        raise DecodeError("CSV header repeats a column name", body=body)
    for number, row in enumerate(records, start=1):
        if len(row) != len(header):
            message = f"CSV record {number} has {len(row)} cells; the header has {len(header)}"
            raise DecodeError(message, body=body)
    return [dict(zip(header, row, strict=True)) for row in records]


def decode_body(body: bytes, fmt: Format) -> Any:
    """Decode `body` in the response format the request asked for."""
    if fmt == "json":
        return decode_json(body)
    if fmt == "xml":
        return decode_xml(body)
    return decode_csv(body)


def unwrap_collection(document: Any, collection: str, item: str) -> list[dict[str, Any]]:
    """The records of a statistics list response, e.g. `{"interactions": {"interaction": …}}`.

    Works for JSON and XML alike: a list of records stays a list, a lone record (what both the
    server and xmltodict produce for one item) becomes a one-item list, and an empty
    collection (`None`, `""`, `{}`, or an item of null / an empty element) becomes `[]`.
    Anything else is a DecodeError naming the expected and received keys, never values.
    """
    expected = f"{collection}/{item}"
    if not isinstance(document, dict) or collection not in document:
        raise DecodeError(f"expected a {collection!r} document, got {_shape(document)}")
    wrapper = document[collection]
    if wrapper is None or wrapper == "" or wrapper == {}:
        return []
    if not isinstance(wrapper, dict) or set(wrapper) != {item}:
        raise DecodeError(f"expected {expected} records, got {collection}: {_shape(wrapper)}")
    records = wrapper[item]
    if records is None:
        return []
    records = records if isinstance(records, list) else [records]
    for record in records:
        if not isinstance(record, dict):
            raise DecodeError(f"expected {expected} records, got a {type(record).__name__}")
    return records


def _shape(value: Any, limit: int = 5) -> str:
    """Describe a value by its keys (at most `limit`) or its type; never by its contents."""
    if not isinstance(value, dict):
        return f"a {type(value).__name__}"
    keys = [str(key)[:40] for key in list(value)[:limit]]
    more = ", …" if len(value) > limit else ""
    return f"keys [{', '.join(keys)}{more}]"


def _reason(exc: BaseException) -> str:
    """The first line of an exception's message, capped, for a DecodeError."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def decode_document(body: bytes, fmt: DocumentFormat) -> Any:
    """Parse a JSON or an XML body, by the format it was asked for in."""
    return decode_json(body) if fmt == "json" else decode_xml(body)


def _folded(key: object) -> str:
    """A key without case, `-`, `_` or spaces: `next-code`, `nextCode` and `NEXT_CODE` agree."""
    return "".join(c for c in str(key).lower() if c.isalnum())


def find_key(record: Mapping[str, Any], names: tuple[str, ...]) -> str | None:
    """The key of `record` that folds to the first of `names` it has (names given folded), for
    answers the documents never show, whose spelling is a guess."""
    folded = {_folded(k): k for k in record}
    return next((folded[name] for name in names if name in folded), None)
