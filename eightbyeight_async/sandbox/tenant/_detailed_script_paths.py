"""The v8 `script-paths` summary report: its create-body rules and its rows (served only as a
CSV download; its `/data` answers 400).

Rules (each a 400 naming the broken one): the body must not contain `groupBy`,
`granularity`, `metrics`, `includeSubTotal`, `includeGrandTotal` or `includeParticipants`;
`title`, `dateRange`, `timezone` and `intraDayTimeRange` as for the summary reports;
`searchQuery` a list of `{field, operator: "in", value: [...]}` with field `script` (script
names), `queue` (queue ids), `agent` (agent ids) or `channel` (channel ids).

Rows: one per interaction that entered through a channel (so ran its IVR script) in the range,
with the script's name and the path it took through the script's nodes, derived from the
interaction like the other v8 facts (the same interactions as every other report).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from ._analytics_data import _in_intraday
from ._analytics_rules import RequestRejected, _intraday, _zone
from ._detailed_catalogue import SCRIPT_PATH_FIELDS, SCRIPT_PATH_FORBIDDEN, SCRIPT_PATHS
from ._detailed_rules import title_and_range
from ._detailed_values import Directory, iso, script_name
from ._tenant import Record, Tenant

WireRow = dict[str, Any]
MENU_NODES = ("Language", "Main Menu", "Billing Menu", "Support Menu", "Opening Hours")
COLUMNS = (
    ("interactionId", "Interaction ID"),
    ("startTime", "Start Time"),
    ("script", "Script"),
    ("scriptPath", "Script Path"),
    ("exitNode", "Exit Node"),
    ("queue", "Queue"),
    ("queueId", "Queue ID"),
    ("agent", "Agent"),
    ("agentId", "Agent ID"),
    ("channel", "Channel"),
    ("channelId", "Channel ID"),
    ("ivrTime", "IVR Time"),
)


@attrs.frozen
class ScriptPathsSpec:
    """A validated script-paths create body."""

    type: str
    title: str
    start: dt.datetime
    end: dt.datetime
    timezone: str
    intraday: tuple[dt.time, dt.time] | None
    filters: Mapping[str, frozenset[str]]


def parse_script_paths_spec(body: Any, tenant: Tenant) -> ScriptPathsSpec:
    """The script-paths report a create body asks for; RequestRejected names the broken rule."""
    if not isinstance(body, dict):
        raise RequestRejected("the body must be a JSON object")
    for name in SCRIPT_PATH_FORBIDDEN:
        if name in body:
            raise RequestRejected(f"{name} is not allowed for {SCRIPT_PATHS} reports")
    title, start, end = title_and_range(body)
    return ScriptPathsSpec(
        type=SCRIPT_PATHS,
        title=title,
        start=start,
        end=end,
        timezone=_zone(body.get("timezone"), tenant),
        intraday=_intraday(body.get("intraDayTimeRange")),
        filters=_filters(body.get("searchQuery")),
    )


def _filters(query: Any) -> dict[str, frozenset[str]]:
    if query is None:
        return {}
    if not isinstance(query, list):
        raise RequestRejected("searchQuery must be a list of {field, operator, value}")
    filters: dict[str, frozenset[str]] = {}
    for item in query:
        if not isinstance(item, dict) or item.get("field") not in SCRIPT_PATH_FIELDS:
            field = item.get("field") if isinstance(item, dict) else item
            raise RequestRejected(
                f"searchQuery field {field!r} is not one of {', '.join(SCRIPT_PATH_FIELDS)}"
            )
        if item.get("operator") != "in":
            raise RequestRejected(
                f"searchQuery operator {item.get('operator')!r} is not allowed for "
                f"{SCRIPT_PATHS}: use in"
            )
        values = item.get("value")
        if not isinstance(values, list) or not values:
            raise RequestRejected(f"searchQuery value of {item['field']} must be a list")
        filters[item["field"]] = frozenset(str(v) for v in values)
    return filters


class ScriptPathsData:
    """The rows of one script-paths report (the CSV download's lines)."""

    def __init__(self, tenant: Tenant, spec: ScriptPathsSpec) -> None:
        self.spec = spec
        zone = ZoneInfo(spec.timezone)
        directory = Directory.of(tenant)
        self._rows: list[WireRow] = []
        for record in tenant.interactions:
            created = dt.datetime.fromisoformat(record["create-timestamp"])
            if not spec.start <= created < spec.end:
                continue
            if not _in_intraday(created.astimezone(zone), spec.intraday):
                continue
            channel = directory.channels.get(record["channel-id"])
            if channel is None:
                continue
            values = _values(tenant.name, record, channel, created, zone)
            if self._passes(values):
                self._rows.append(
                    {
                        "total": None,
                        "items": [
                            {"key": k, "label": lbl, "value": values[k]} for k, lbl in COLUMNS
                        ],
                    }
                )
        self.count = len(self._rows)

    def _passes(self, values: Mapping[str, str | None]) -> bool:
        keys = {"script": "script", "queue": "queueId", "agent": "agentId", "channel": "channelId"}
        return all(values[keys[name]] in wanted for name, wanted in self.spec.filters.items())

    def rows(self, start: int = 0, stop: int | None = None) -> Iterator[WireRow]:
        """The rows from index `start` up to `stop` (the end by default)."""
        yield from self._rows[start:stop]


def _values(
    tenant_name: str, record: Record, channel: Record, created: dt.datetime, zone: ZoneInfo
) -> dict[str, str | None]:
    rng = random.Random(f"{tenant_name}:script-path:{record['interaction-id']}")
    nodes = ["Start", *rng.sample(MENU_NODES, rng.randint(1, 3))]
    if record["abandon-timestamp"] and rng.random() < 0.5:
        exit_node = "Hang Up"
    else:
        exit_node = f"Queue: {record['queue-name']}" if record["queue-name"] else "Transfer"
    nodes.append(exit_node)
    return {
        "interactionId": record["interaction-id"],
        "startTime": iso(created, zone),
        "script": script_name(channel),
        "scriptPath": " > ".join(nodes),
        "exitNode": exit_node,
        "queue": record["queue-name"] or None,
        "queueId": record["queue-id"] or None,
        "agent": record["agent-name"] or None,
        "agentId": record["agent-id"] or None,
        "channel": channel["channel-name"],
        "channelId": channel["channel-id"],
        "ivrTime": record["ivr-treatment-time"] or "0",
    }
