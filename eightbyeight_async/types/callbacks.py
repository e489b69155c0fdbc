"""Values of the web callback API (`/SC/webcallback.php` and the delete by external
transaction id): callback types, `ctl_error` codes, and the per-interaction delete results."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from .._convert import wire_field
from .._enums import OpenEnum

__all__ = [
    "CallbackType",
    "DeleteFailureReason",
    "DeleteStatus",
    "DeletedWebCallback",
    "WebCallbackDeletion",
    "WebCallbackDeletionOutcome",
    "WebCallbackErrorCode",
    "WebCallbackReceipt",
]


class CallbackType(enum.IntEnum):
    """When the customer is called back (`callback_type`)."""

    CALL_NOW = 1
    """Call now (or after `callback_delay` seconds), running the channel's IVR script."""
    WHEN_AGENT_AVAILABLE = 2
    """Queue the request; call when an agent of the queue accepts it."""


class WebCallbackErrorCode(OpenEnum):
    """The documented `ctl_error` codes; `meaning` gives the document's description."""

    TENANT_NOT_ENABLED = "1"
    WEB_CALLBACK_NOT_ENABLED = "2"
    INVALID_TOKEN = "3"  # noqa: S105 - a code, not a secret
    INVALID_QUEUE = "7"
    QUEUE_DISABLED = "8"
    QUEUE_NOT_OUTBOUND = "9"
    MISSING_CALLBACK_TYPE = "10"
    CALLBACK_DELAY_NOT_NUMERIC = "11"
    MISSING_CHANNEL = "12"
    INVALID_CHANNEL = "13"
    UNKNOWN_CALLBACK_TYPE = "14"
    SERVICE_UNAVAILABLE = "15"
    EXTERNAL_DATA_TOO_LONG = "16"
    PHONE_NOT_PROVIDED = "17"
    INTERNAL_ERROR = "19"
    USERDATA_TOO_LONG = "20"
    INVALID_PREVIEW_TIMEOUT = "21"
    EXTERNAL_TRANSACTION_ID_TOO_LONG = "22"

    @property
    def meaning(self) -> str:
        """The document's description of the code ("undocumented code" for a new one)."""
        return ERROR_MEANINGS.get(self.value, f"undocumented ctl_error code {self.value}")


ERROR_MEANINGS: Mapping[str, str] = MappingProxyType(
    {
        "1": "Tenant not enabled.",
        "2": "Web callback not enabled.",
        "3": "Invalid authentication token.",
        "7": "Queue id provided is invalid.",
        "8": "Queue is disabled.",
        "9": "Queue direction is not 'Outbound'",
        "10": "Missing Callback type.",
        "11": "Callback delay is not numeric",
        "12": "Missing channel information for callback type 1.",
        "13": "Invalid channel number provided.",
        "14": "Unknown callback type specified.",
        "15": "Service unavailable.",
        "16": "External data maximum length exceeded(500 character limit)",
        "17": "Phone number not provided.",
        "19": "Internal Error.",
        "20": "ctl_userdata exceeded max length (1800 character limit)",
        "21": "Invalid preview timeout value.",
        "22": "External transaction ID maximum length exceeded (64 character limit)",
    }
)
"""`ctl_error` code → the document's description, word for word."""


@attrs.frozen
class WebCallbackReceipt:
    """A callback request the server accepted (it answers with no id of its own).

    `ext_transaction_id` is what `delete()` takes; `location` is where the server sent the
    browser next (your `back` URL), if it redirected."""

    callback_type: CallbackType
    phone: str
    ext_transaction_id: str | None = None
    location: str | None = None


class DeleteStatus(OpenEnum):
    """Whether one interaction was deleted (`deleteStatus`)."""

    OK = "ok"
    NOT_OK = "nok"


class DeleteFailureReason(OpenEnum):
    """Why an interaction was not deleted (`reason`)."""

    STATUS_ERROR = "statuserror"
    """Its status forbids it: it is already assigned to an agent."""


@attrs.frozen
class DeletedWebCallback:
    """The delete result of one web callback interaction."""

    interaction_guid: str = wire_field("interactionGuid")
    delete_status: DeleteStatus = wire_field("deleteStatus")
    phone: str | None = None
    transaction_id: int | None = wire_field("transactionID", default=None)
    reason: DeleteFailureReason | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    @property
    def deleted(self) -> bool:
        """True when this interaction was removed."""
        return self.delete_status == DeleteStatus.OK


class WebCallbackDeletionOutcome(enum.Enum):
    """The documented outcomes of a delete, by HTTP status."""

    ALL_DELETED = 200
    PARTIALLY_DELETED = 207
    """207 Multi-Status: some interactions were not deleted (see each `reason`)."""
    NOT_FOUND = 404
    """No web callback has this external transaction id (any more)."""


@attrs.frozen
class WebCallbackDeletion:
    """What deleting the callbacks of one external transaction id did, per interaction."""

    ext_transaction_id: str
    outcome: WebCallbackDeletionOutcome
    interactions: tuple[DeletedWebCallback, ...] = ()

    @property
    def deleted(self) -> tuple[DeletedWebCallback, ...]:
        """The interactions that were removed."""
        return tuple(i for i in self.interactions if i.deleted)

    @property
    def not_deleted(self) -> tuple[DeletedWebCallback, ...]:
        """The interactions that stay (already assigned to an agent)."""
        return tuple(i for i in self.interactions if not i.deleted)
