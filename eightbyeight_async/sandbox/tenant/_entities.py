"""The documented record types of the statistics API: element names and fields, in order.

Each `Entity` is one sample of the statistics document: the collection and item element names
(`<statuses><status>`) and the item's fields in the sample's order, with the document's
misspellings corrected (`post-process-time`, `recording-filename`). Raw tenant records (the
ground truth) and the views the server derives from them are both described here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeAlias

import attrs

Record: TypeAlias = dict[str, str]
"""One record: documented wire name → wire string."""

WireValue: TypeAlias = "str | dict[str, str]"
"""A wire value: a string, or a nested element of strings (the `<accepted>` block of an SLA)."""

WireRecord: TypeAlias = Mapping[str, WireValue]
"""A record as the server sends it: raw records, views and aggregates alike."""

Bucket: TypeAlias = tuple[str, float, float]
"""One SLA bucket: its element name and the waiting times [low, high) it counts, in seconds."""


@attrs.frozen
class Entity:
    """A documented record type: its XML element names, its fields in order, its id field.

    `nested` names the fields whose value is itself an element of string fields (the SLA
    `<accepted>` and `<abandoned>` blocks), with their sub-fields in order.
    """

    plural: str
    singular: str
    fields: tuple[str, ...]
    key: str = ""
    nested: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """The CSV header: the fields, nested ones flattened as `accepted-t0-5sec`."""
        inner = dict(self.nested)
        return tuple(
            column
            for name in self.fields
            for column in ([f"{name}-{sub}" for sub in inner[name]] if name in inner else [name])
        )

    @property
    def scalar_fields(self) -> tuple[str, ...]:
        """The fields holding a plain string (those a query variable can filter on)."""
        inner = dict(self.nested)
        return tuple(name for name in self.fields if name not in inner)


MEDIA_NAMES = MappingProxyType({"T": "Phone", "V": "Voice Mail", "C": "Chat", "Z": "Email"})
"""Queue media-type code → the media-type word of the All Interactions view."""

MEDIA_CODES = MappingProxyType({name: code for code, name in MEDIA_NAMES.items()})
"""The media-type word of the All Interactions view → the queue media-type code."""

ONLINE_MEDIA = frozenset("TC")
"""Media of "on line" queues (online SLAs); the others (email, voice mail) are "off line"."""

GROUPS = Entity("groups", "group", ("group-id", "group-name", "deleted"), "group-id")
AGENTS = Entity(
    "agents",
    "agent",
    (
        "agent-id", "group-id", "date-hired-date", "direct-agent-access", "email-address",
        "enabled", "first-name", "full-name", "last-name", "phone-used", "phone-extension",
        "user-rights", "voice-mail-activated",
    ),
    "agent-id",
)  # fmt: skip
QUEUES = Entity(
    "queues",
    "queue",
    ("queue-id", "queue-name", "queue-desc", "media-type", "enabled", "sla-enabled", "sla-time"),
    "queue-id",
)
CHANNELS = Entity(
    "channels", "channel", ("channel-id", "channel-name", "channel-desc"), "channel-id"
)
CAMPAIGNS = Entity(
    "campaigns",
    "campaign",
    (
        "campaign-name", "campaign-id", "enabled", "status", "no-of-records", "caller-id",
        "start-time", "end-time", "actual-run-time", "actual-stop-time", "daily-start-time",
        "daily-end-time", "retry-interval", "max-retry",
    ),
    "campaign-id",
)  # fmt: skip

ALL_INTERACTION_FIELDS = (
    "media-type", "channel-obj-id", "queue-name", "interaction-id", "orig-interaction-id",
    "origination", "destination-original", "destination-translated", "customer-name",
    "case-id", "interaction-direction", "interaction-type", "dial-code", "dial-text",
    "create-timestamp", "agent-name", "accept-timestamp", "process-time",
    "post-process-time", "total-time", "abandon-timestamp", "voice-message-left",
    "recording-filename", "ivr-treatment-time", "transfer-from", "conference-from",
    "max-hold-time", "hold-count", "total-hold-time", "call-leg1-post-dial-delay",
    "call-leg2-post-dial-delay", "call-leg1-answer-time", "call-leg2-answer-time",
    "call-leg1-sip-id", "call-leg2-sip-id", "inbound-sip-id", "notes", "campaign-name",
    "record-id", "record-status", "disposition-code", "ext-trans-data", "wrap-up-code",
    "wrap-up-text",
)  # fmt: skip
"""The fields of the documented /allinteractions sample, in its order."""

HIDDEN_INTERACTION_FIELDS = ("queue-id", "channel-id", "agent-id", "campaign-id")
"""Ids a raw interaction also holds ("" when none): the other views are selected by them."""

INTERACTIONS = Entity(
    "interactions",
    "interaction",
    ALL_INTERACTION_FIELDS + HIDDEN_INTERACTION_FIELDS,
    "interaction-id",
)
"""The raw interaction of the ground truth: every /allinteractions field plus the ids."""

ALL_INTERACTIONS = Entity("interactions", "interaction", ALL_INTERACTION_FIELDS, "interaction-id")
AGENT_INTERACTIONS = Entity(
    "interactions",
    "interaction",
    (
        "interaction-id", "agent-id", "agent-name", "group-id", "group-name", "accept-timestamp",
        "process-time", "post-process-time", "finish-timestamp", "transfer-from",
        "conference-from",
    ),
    "interaction-id",
)  # fmt: skip
QUEUE_INTERACTIONS = Entity(
    "interactions",
    "interaction",
    (
        "interaction-id", "queue-name", "channel-id", "media-type", "create-timestamp",
        "accept-timestamp", "process-time", "post-process-time", "abandon-timestamp",
        "finish-timestamp", "voice-message-left", "origination", "customer-name",
        "ivr-treatment-time", "max-hold-time", "hold-count", "total-hold-time",
        "call-leg1-post-dial-delay", "call-leg2-post-dial-delay", "call-leg1-answer-time",
        "call-leg2-answer-time", "call-leg1-sip-id", "call-leg2-sip-id", "inbound-sip-id",
    ),
    "interaction-id",
)  # fmt: skip
CAMPAIGN_INTERACTIONS = Entity(
    "interactions",
    "interaction",
    (
        "campaign-name", "campaign-id", "agent-name", "queue-name", "accept-timestamp",
        "record-status", "record-id", "interaction-id", "wrap-up-code", "wrap-up-text",
        "disposition-code", "called-number", "ext-trans-data", "process-time",
        "post-process-time", "total-process-time", "recording-filename",
    ),
    "interaction-id",
)  # fmt: skip
ACTIVITIES = Entity(
    "activities",
    "activity",
    (
        "agent-id", "agent-name", "group-id", "group-name", "media-type", "channel-id",
        "channel-obj-id", "queue-obj-id", "queue-name", "transaction_id", "origination",
        "customer-name", "trans-accept-time", "trans-proc-time", "trans-post-proc-time",
        "trans-total-time", "trans-transfer-from", "trans-conference-from", "case-id",
        "tcl-list-id", "tcl-item-id", "tcl-item-shortcode-text", "tcl-item-report-text",
        "recording-filename",
    ),
    "transaction_id",
)  # fmt: skip
"""Note `transaction_id` with an underscore: the sample spells it so, unlike every other id."""

OUTBOUND_CALLS = Entity(
    "outboundcalls",
    "outboundcall",
    (
        "agent-id", "agent-name", "group-id", "transaction-id", "destination", "start-time",
        "total-time", "tcl-list-id", "tcl-item-id", "tcl-item-shortcode-text",
        "tcl-item-report-text", "tcl-outbound-list-id", "tcl-outbound-item-id",
        "tcl-outbound-item-shortcode-text", "tcl-outbound-item-report-text",
        "recording-filename", "max-hold-time", "hold-count", "total-hold-time",
        "call-leg1-post-dial-delay", "call-leg2-post-dial-delay", "call-leg1-answer-time",
        "call-leg2-answer-time", "call-leg1-sip-id", "call-leg2-sip-id",
    ),
    "transaction-id",
)  # fmt: skip
STATUSES = Entity(
    "statuses",
    "status",
    (
        "agent-id", "agent-name", "group-id", "group-name", "status", "event-time",
        "scl-list-id", "scl-item-id", "scl-item-shortcode-text", "scl-item-report-text",
        "transaction-id",
    ),
)  # fmt: skip
STATUS_STATISTICS = Entity(
    "statuses",
    "status",
    (
        "period-start", "period-end", "agent-id", "agent-name", "group-id", "group-name",
        "status-waiting", "status-processing", "status-post-processing",
        "status-working-offline", "status-transaction-offered", "status-break",
        "time-logged-in",
    ),
)  # fmt: skip
AGENT_SKILLS = Entity("skills", "skill", ("enabled", "queue-id", "agent-id", "skill-level"))
"""A skill, as /agents/{id}/skills orders its fields (the raw skill records use this order)."""

QUEUE_SKILLS = Entity("skills", "skill", ("enabled", "agent-id", "queue-id", "skill-level"))
"""A skill, as /queues/{id}/skills orders its fields (agent-id before queue-id)."""

CAMPAIGN_RECORDS = Entity(
    "records",
    "record",
    (
        "campaign-name", "campaign-id", "record-id", "phone-list", "status", "status-code",
        "ext-trans-data", "disposition-code",
    ),
    "record-id",
)  # fmt: skip
TRANSACTION_CODES = Entity(
    "tcl-trans",
    "tcl-tran",
    (
        "tcl-list-id", "tcl-name", "tcl-description", "tcl-admin-notes", "tcl-active",
        "tcl-autosort", "tcl-used", "tcl-category-id", "tcl-assignment-type", "tcl-required",
        "tcl-multiple-choice", "tcl-required-before-outbound", "tcl-item-id",
        "tcl-item-ordinate", "tcl-item-active", "tcl-item-used", "tcl-item-call-line-id",
        "tcl-lang-id", "tcl-item-menu-text", "tcl-item-report-text", "tcl-item-shortcode-text",
    ),
)  # fmt: skip
STATUS_CODES = Entity(
    "scl-trans",
    "scl-tran",
    (
        "scl-list-id", "scl-name", "scl-description", "scl-admin-notes", "scl-active",
        "scl-autosort", "scl-used", "scl-category-id", "scl-item-id", "scl-item-ordinate",
        "scl-item-active", "scl-item-used", "scl-lang-id", "scl-item-menu-text",
        "scl-item-report-text", "scl-item-shortcode-text",
    ),
)  # fmt: skip

STATISTICS = Entity(
    "statistics",
    "statistic",
    (
        "queue-name", "channel-id", "time-stamp", "media-type", "entered-count",
        "accepted-count", "sla-met-count", "abandoned-count", "finish-processing-count",
        "finish-post-count", "voice-message-left-count", "time-waiting", "time-processing",
        "time-post-processing", "total-time-to-abandon", "time-max-wait-accept",
        "time-max-wait-abandon",
    ),
)  # fmt: skip

_INF = float("inf")
ONLINE_BUCKETS: tuple[Bucket, ...] = (
    ("t0-5sec", 0, 5), ("t5-10sec", 5, 10), ("t10-20sec", 10, 20), ("t20-30sec", 20, 30),
    ("t30-40sec", 30, 40), ("t30-45sec", 30, 45), ("t45-1min", 45, 60), ("t1-2min", 60, 120),
    ("t2-5min", 120, 300), ("t5-10min", 300, 600), ("t10-or-more", 600, _INF),
)  # fmt: skip
"""The online SLA buckets. The document's `t30-40sec` and `t30-45sec` overlap; a wait counts
in the FIRST bucket containing it (so `t30-45sec` holds 40-45 s) and the buckets sum to the
count, as they do in the sample (8+5+2+3+2+0+1 = 21 accepted)."""

OFFLINE_BUCKETS: tuple[Bucket, ...] = (
    ("t0-30min", 0, 1800), ("t30min-1hr", 1800, 3600), ("t1hr-1hr30min", 3600, 5400),
    ("t1hr30min-2hr", 5400, 7200), ("t2hr-3hr", 7200, 10800), ("t3hr-or-more", 10800, _INF),
)  # fmt: skip
"""The offline SLA buckets (accepted interactions by waiting time)."""

_SLA_COUNTS = ("time-stamp", "media-type", "entered-count", "accepted-count", "sla-met-count")
ONLINE_SLAS = Entity(
    "online_slas",
    "online_sla",
    ("queue-name", "channel-id", *_SLA_COUNTS, "accepted", "abandoned"),
    nested=(
        ("accepted", tuple(b[0] for b in ONLINE_BUCKETS)),
        ("abandoned", tuple(b[0] for b in ONLINE_BUCKETS)),
    ),
)
OFFLINE_SLAS = Entity(
    "offline_slas",
    "offline_sla",
    ("queue-id", "queue-name", "channel-id", *_SLA_COUNTS, "accepted"),
    nested=(("accepted", tuple(b[0] for b in OFFLINE_BUCKETS)),),
)


def make_record(entity: Entity, values: Mapping[str, str]) -> Record:
    """A record with exactly `entity`'s fields in documented order; absent values are ""."""
    record = dict(_blank(entity))
    record.update(values)
    if len(record) != len(entity.fields):
        unknown = set(values) - set(entity.fields)
        raise AssertionError(f"not a documented {entity.singular} field: {sorted(unknown)}")
    return record


@functools.cache
def _blank(entity: Entity) -> Record:
    return dict.fromkeys(entity.fields, "")


def iso(moment: dt.datetime) -> str:
    """The wire form of a timestamp: ISO-8601 to the second, with its offset."""
    return moment.isoformat(timespec="seconds")
