"""The tenant's interactions as the live APIs address them: by interaction guid and, for
phone calls, by the SIP call id of their eIVR leg (interaction data, External IVR,
recordings)."""

from __future__ import annotations

import datetime as dt

import attrs

from ._entities import Record
from ._tenant import Tenant


@attrs.define
class LiveInteraction:
    """One interaction the API can address, and the variables set on it (name → wire dict)."""

    guid: str
    call_id: str | None
    record: Record
    variables: dict[str, dict[str, str]] = attrs.field(factory=dict)


def interaction_guid(record: Record, tenant_name: str) -> str:
    """The interaction guid of a tenant interaction, in the documented form."""
    created = dt.datetime.fromisoformat(record["create-timestamp"])
    media = record["media-type"].lower()
    stamp = int(created.timestamp() * 1000)
    return f"int-{stamp:x}-{record['interaction-id']}-{media}-01-{tenant_name}"


def live_interactions(tenant: Tenant) -> list[LiveInteraction]:
    """Every interaction of the tenant, addressable by guid and (phone calls) SIP call id."""
    return [
        LiveInteraction(
            interaction_guid(record, tenant.name), record.get("inbound-sip-id") or None, record
        )
        for record in tenant.interactions
    ]
