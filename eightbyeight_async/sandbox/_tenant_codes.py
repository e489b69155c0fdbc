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
            values = {
                "tcl-list-id": list_id,
                "tcl-name": name,
                "tcl-description": description,
                "tcl-admin-notes": "Reviewed by QA & <ops>" if ordinate == 0 else "",
                "tcl-active": "Y",
                "tcl-autosort": "N",
                "tcl-used": "Y",
                "tcl-assignment-type": assignment,
                "tcl-required": "Y" if list_id == AGENT_TCL_LIST else "N",
                "tcl-multiple-choice": "N",
                "tcl-required-before-outbound": "N",
                "tcl-item-id": str(len(rows) + 1),
                "tcl-item-ordinate": str(ordinate),
                "tcl-item-active": "Y",
                "tcl-item-used": "Y",
                "tcl-item-call-line-id": f"14155550{len(rows) + 1:03d}" if ordinate < 2 else "",
                "tcl-lang-id": "en_US",
                "tcl-item-menu-text": text,
                "tcl-item-report-text": text,
                "tcl-item-shortcode-text": shortcode,
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
            "scl-active": "Y",
            "scl-autosort": "N",
            "scl-used": "Y",
            "scl-item-id": str(ordinate + 1),
            "scl-item-ordinate": str(ordinate),
            "scl-item-active": "Y",
            "scl-item-used": "Y",
            "scl-lang-id": "en_US",
            "scl-item-menu-text": text,
            "scl-item-report-text": text,
            "scl-item-shortcode-text": shortcode,
        }
        rows.append(_row(STATUS_CODES.fields, values))
    return tuple(rows)


def _row(fields: Sequence[str], values: dict[str, str]) -> Record:
    return {name: values.get(name, "") for name in fields}
