"""The statistics API's documented code tables, as `OpenEnum`s that keep undocumented codes."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..._enums import OpenEnum


class MediaType(OpenEnum):
    """Media type code of queues, queue interactions, statistics and SLAs."""

    TELEPHONE = "T"
    VOICE_MAIL = "V"
    CHAT = "C"
    EMAIL = "Z"


class MediaTypeName(OpenEnum):
    """Media type as a name, in activities and `/allinteractions`."""

    PHONE = "Phone"
    CHAT = "Chat"
    EMAIL = "Email"
    VOICE_MAIL = "Voice Mail"

    @property
    def media_type(self) -> MediaType | None:
        """The matching `MediaType` code, or None for an undocumented name."""
        return _MEDIA_CODES.get(self)


_MEDIA_CODES: Mapping[MediaTypeName, MediaType] = MappingProxyType(
    {
        MediaTypeName.PHONE: MediaType.TELEPHONE,
        MediaTypeName.CHAT: MediaType.CHAT,
        MediaTypeName.EMAIL: MediaType.EMAIL,
        MediaTypeName.VOICE_MAIL: MediaType.VOICE_MAIL,
    }
)


class InteractionDirection(OpenEnum):
    """`interaction-direction` of `/allinteractions` (empty for neither)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class InteractionType(OpenEnum):
    """`interaction-type` of `/allinteractions` (empty for a plain queued interaction)."""

    WEB_CALLBACK = "Web Callback"
    DIRECT_AGENT_ACCESS = "DAA"
    FORWARD_TO_EXTERNAL_NUMBER = "Fwd to Ext. Number"
    CAMPAIGN = "Campaign"
    CONSULT = "Consult"


class RecordStatus(OpenEnum):
    """Status of a campaign record (campaign interactions and campaign records)."""

    NEW = "0"
    QUEUED = "1"
    ACCEPTED = "2"
    COMPLETED = "3"
    SCHEDULED = "4"
    API_SCHEDULED = "5"
    DELETED = "6"
    SENT_TO_INTERACTION_ROUTER = "7"


class DispositionCode(OpenEnum):
    """The server's predefined disposition codes; tenants' own codes arrive as unknown."""

    NONE = "1000"
    TRY_AGAIN = "1001"
    SCHEDULED_CALL_BACK = "1002"


class CampaignStatus(OpenEnum):
    """Status of a campaign."""

    NEW = "0"
    MANUAL_STARTED = "1"
    SCHEDULE_STARTED = "2"
    MANUAL_RUNNING = "3"
    SCHEDULE_RUNNING = "4"
    MANUAL_STOPPED = "5"
    COMPLETED = "6"
    SCHEDULED_STOPPED = "7"
    MANUAL_PAUSED = "8"
    SCHEDULE_PAUSED = "9"
    MANUAL_PURGED = "10"
    SCHEDULE_PURGED = "11"


class RecordStatusCode(OpenEnum):
    """`status-code` of a campaign record.

    The published table lost the numbers after 1; 2-4 follow its order.
    """

    DEFAULT = "0"
    MAX_ATTEMPT_REACHED = "1"
    SKIPPED = "2"
    NO_PHONE_NUMBER = "3"
    INVALID_PHONE_NUMBER = "4"
