"""The tenant's code lists: transaction codes (`/tcls`) and status codes (`/scls`).

One row per (list, item) pair, the list's attributes repeated on each, as the samples show.
Agents pick transaction codes when they wrap up an interaction or an outbound call, and
status codes when they go on break, work offline or log out.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._entities import STATUS_CODES, TRANSACTION_CODES, Record

AGENT_TCL_LIST = "1"
"""The list agents code their interactions with (activities, outbound calls)."""

OUTBOUND_TCL_LIST = "2"
"""The list of outbound call results (the `tcl-outbound-*` fields of an outbound call)."""

# (list id, name, description, assignment type, items as (shortcode, menu/report text))
_TCL_LISTS = (
    (
        AGENT_TCL_LIST, "ag-trans-code", "agent transaction code", "groups",
        (("c1", "Sale made"), ("c2", "Information & advice"), ("c3", "Complaint <escalated>"),
         ("c4", "Réclamation, résolue")),
    ),
    (
        OUTBOUND_TCL_LIST, "outbound-result", "outbound call result", "agents",
        (("ans", "Answered"), ("vm", "Left voice mail"), ("nc", "No contact, retry later")),
    ),
)  # fmt: skip

BREAK = "brk"
LUNCH = "lunch"
MEETING = "mtg"
TRAINING = "trn"
END_OF_SHIFT = "eod"

_SCL_ITEMS = (
    (BREAK, "Scheduled break"),
    (LUNCH, "Lunch"),
    (MEETING, "Meeting, team"),
    (TRAINING, "Training & <coaching>"),
    (END_OF_SHIFT, "Fin de journée"),
)


def transaction_codes() -> tuple[Record, ...]:
    """Every (transaction code list, item) row, items numbered across the tenant."""
    rows: list[Record] = []
    for list_id, name, description, assignment, items in _TCL_LISTS:
        for ordinate, (shortcode, text) in enumerate(items):
            item_id = len(rows) + 1
            values = {
                "tcl-list-id": list_id,
                "tcl-name": name,
                "tcl-description": description,
                "tcl-admin-notes": "Reviewed by QA & <ops>" if ordinate == 0 else "",
                "tcl-assignment-type": assignment,
                "tcl-required": "Y" if list_id == AGENT_TCL_LIST else "N",
                "tcl-multiple-choice": "N",
                "tcl-required-before-outbound": "N",
                "tcl-item-call-line-id": f"14155550{item_id:03d}" if ordinate < 2 else "",
                **_item_values("tcl", item_id, ordinate, shortcode, text),
            }
            rows.append(_row(TRANSACTION_CODES.fields, values))
    return tuple(rows)


def status_codes() -> tuple[Record, ...]:
    """Every (status code list, item) row of the tenant's one status code list."""
    rows: list[Record] = []
    for ordinate, (shortcode, text) in enumerate(_SCL_ITEMS):
        values = {
            "scl-list-id": "1",
            "scl-name": "ag-status-code",
            "scl-description": "agent status code",
            **_item_values("scl", ordinate + 1, ordinate, shortcode, text),
        }
        rows.append(_row(STATUS_CODES.fields, values))
    return tuple(rows)


def _item_values(
    prefix: str, item_id: int, ordinate: int, shortcode: str, text: str
) -> dict[str, str]:
    """The fields both code lists have, named `{prefix}-…`: the list's flags and the item."""
    shared = {
        "active": "Y",
        "autosort": "N",
        "used": "Y",
        "item-id": str(item_id),
        "item-ordinate": str(ordinate),
        "item-active": "Y",
        "item-used": "Y",
        "lang-id": "en_US",
        "item-menu-text": text,
        "item-report-text": text,
        "item-shortcode-text": shortcode,
    }
    return {f"{prefix}-{name}": value for name, value in shared.items()}


def _row(fields: Sequence[str], values: dict[str, str]) -> Record:
    return {name: values.get(name, "") for name in fields}
