"""The ground truth's side of the detailed reports (`sb.truth.detailed_rows()` and
`sb.truth.interaction_ids()`): a create body assembled from keywords, and the interactions a
date range selects, picked from the tenant's records by their creation time alone (apart from
the report's own selection, which also applies the intraday window and the search)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ._tenant import Tenant


def moment(value: dt.datetime | str) -> dt.datetime:
    """An aware datetime from a datetime or an ISO text (`Z` allowed); ValueError if naive."""
    if isinstance(value, dt.datetime):
        found = value
    else:
        found = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if found.tzinfo is None:
        raise ValueError(f"{value!r} must carry a zone")
    return found


def detailed_body(
    kind: str,
    start: dt.datetime | str,
    end: dt.datetime | str,
    timezone: str | None,
    search: list[dict[str, Any]] | None,
    metrics: list[str] | None,
    intraday: tuple[str, str] | None,
    include_participants: bool,
) -> dict[str, Any]:
    """The `POST /detailed-reports` body of these settings (`timezone` None: none sent)."""
    body: dict[str, Any] = {
        "type": kind,
        "title": "truth",
        "dateRange": {"start": moment(start).isoformat(), "end": moment(end).isoformat()},
        "searchQuery": search or [],
        "metrics": metrics or [],
        "includeParticipants": include_participants,
    }
    if timezone is not None:
        body["timezone"] = timezone
    if intraday is not None:
        body["intraDayTimeRange"] = {"start": intraday[0], "end": intraday[1]}
    return body


def interactions_created(
    tenant: Tenant, start: dt.datetime | str, end: dt.datetime | str
) -> list[str]:
    """The ids of the interactions created in `[start, end)`, by (creation time, id)."""
    low, high = moment(start), moment(end)
    chosen = []
    for record in tenant.interactions:
        created = dt.datetime.fromisoformat(record["create-timestamp"])
        if low <= created < high:
            chosen.append((created.timestamp(), int(record["interaction-id"])))
    chosen.sort()
    return [str(number) for _, number in chosen]
