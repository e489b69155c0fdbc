"""Render records in the three formats of the statistics API, quirks included.

XML follows the documented samples (the declaration with its two spaces, `<x />` for an empty
element); JSON wraps a list as `{"groups": {"group": [...]}}` and, like the real server, sends
the object itself when a page holds exactly one record; CSV is a header row of the wire names.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Literal, TypeAlias, get_args

from ..tenant._entities import Entity

Format = Literal["xml", "json", "csv"]
FORMATS: tuple[Format, ...] = get_args(Format)

RecordValue: TypeAlias = "str | Mapping[str, RecordValue]"
"""A wire value: a string, or a nested element (e.g. the `<accepted>` block of an SLA)."""

CONTENT_TYPES: Mapping[Format, str] = MappingProxyType(
    {
        "xml": "application/xml; charset=UTF-8",
        "json": "application/json; charset=UTF-8",
        "csv": "text/csv; charset=UTF-8",
    }
)

XML_DECLARATION = "<?xml version='1.0'  encoding='UTF-8' ?>"


def render(fmt: Format, entity: Entity, records: Sequence[Mapping[str, RecordValue]]) -> bytes:
    """The body of a response listing `records` of `entity` in format `fmt`."""
    if fmt == "json":
        return render_json(entity, records)
    if fmt == "csv":
        return render_csv(entity, records)
    return render_xml(entity, records)


def render_xml(entity: Entity, records: Sequence[Mapping[str, RecordValue]]) -> bytes:
    """`<plural><singular>…</singular>…</plural>` after the documented declaration."""
    lines = [XML_DECLARATION, f"<{entity.plural}>"]
    for record in records:
        lines.append(f"    <{entity.singular}>")
        lines.extend(_xml_elements(record, depth=2))
        lines.append(f"    </{entity.singular}>")
    lines.append(f"</{entity.plural}>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _xml_elements(record: Mapping[str, RecordValue], depth: int) -> Iterator[str]:
    pad = "    " * depth
    for name, value in record.items():
        if not isinstance(value, str):
            yield f"{pad}<{name}>"
            yield from _xml_elements(value, depth + 1)
            yield f"{pad}</{name}>"
        elif value:
            yield f"{pad}<{name}>{_escape(value)}</{name}>"
        else:
            yield f"{pad}<{name} />"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_json(entity: Entity, records: Sequence[Mapping[str, RecordValue]]) -> bytes:
    """`{plural: {singular: [...]}}`, or `{plural: {singular: {...}}}` for a single record."""
    items: object = records[0] if len(records) == 1 else list(records)
    return json.dumps({entity.plural: {entity.singular: items}}, ensure_ascii=False).encode()


def render_csv(entity: Entity, records: Sequence[Mapping[str, RecordValue]]) -> bytes:
    """A header row of wire names (nested elements joined with "-"), then one row per record."""
    rows = [dict(_flatten(record)) for record in records]
    header = entity.columns
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([row[name] for name in header] for row in rows)
    return out.getvalue().encode("utf-8")


def _flatten(record: Mapping[str, RecordValue], prefix: str = "") -> Iterator[tuple[str, str]]:
    for name, value in record.items():
        if isinstance(value, str):
            yield prefix + name, value
        else:
            yield from _flatten(value, f"{prefix}{name}-")
