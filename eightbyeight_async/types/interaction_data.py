"""Values of the Interaction Data Augmentation API (`/api/v1/interaction/data/`): the variables
a client sets on an interaction, and the interaction context it reads back."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import attrs

from .._convert import wire_field
from .._enums import OpenEnum
from .._errors import InvalidArgumentError

__all__ = ["InteractionContext", "InteractionVariable", "UserInput", "VariableDataType"]

NAME_PATTERN = re.compile(r"_[A-Za-z0-9]{1,23}")
"""A variable name: `_`, then letters and digits, under 25 characters in all, no space."""
DISPLAY_NAME_LIMIT = 29
"""`displayName`: "any string less than 30 characters"."""


class VariableDataType(OpenEnum):
    """`dataType`: how the text-to-speech engine should read the value."""

    TEXT = "text"
    NUMBER = "number"
    PHONE_NUMBER = "phone number"
    DATE = "date"
    TIME = "time"
    CURRENCY = "currency"


def _check_name(_: object, __: attrs.Attribute[str], name: str) -> None:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise InvalidArgumentError(
            "a variable name starts with '_', then letters and digits only, under 25 "
            f"characters in all and no space (e.g. '_queueId'); got {name!r}"
        )


def _check_value(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str):
        raise InvalidArgumentError(f"a variable value is text (str() it); got {value!r}")


def _check_display_name(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and (not isinstance(value, str) or len(value) > DISPLAY_NAME_LIMIT):
        raise InvalidArgumentError(f"display_name is text under 30 characters; got {value!r}")


def _data_type(value: VariableDataType | str | None) -> VariableDataType | None:
    if value is None or isinstance(value, VariableDataType):
        return value
    member = VariableDataType(value)
    if not member.is_known:
        choices = ", ".join(m.value for m in VariableDataType)
        raise InvalidArgumentError(f"data_type must be one of {choices}; got {value!r}")
    return member


@attrs.frozen
class InteractionVariable:
    """One variable to set on an interaction, with how the application may use it.

    `ivr`: usable for routing in the IVR script (under the same name); `display`: shown to
    the agent when the interaction is offered, as `display_name`; `privacy`: used for
    routing only, masked before display or storage; `data_type`: a hint for text-to-speech.
    """

    name: str = attrs.field(validator=_check_name)
    value: str = attrs.field(validator=_check_value)
    ivr: bool = False
    display: bool = False
    display_name: str | None = attrs.field(default=None, validator=_check_display_name)
    data_type: VariableDataType | None = attrs.field(default=None, converter=_data_type)
    privacy: bool = False

    def to_wire(self) -> dict[str, str]:
        """The variable as the request body lists it (booleans as "true"/"false")."""
        wire = {
            "name": self.name,
            "value": self.value,
            "ivr": _flag(self.ivr),
            "display": _flag(self.display),
            "privacy": _flag(self.privacy),
        }
        if self.display_name is not None:
            wire["displayName"] = self.display_name
        if self.data_type is not None:
            wire["dataType"] = self.data_type.value
        return wire


def _flag(value: bool) -> str:
    return "true" if value else "false"


@attrs.frozen
class UserInput:
    """One name/value pair collected from the caller in the IVR."""

    name: str
    value: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class InteractionContext:
    """Everything the contact center holds about one interaction (the document's output
    table); fields that are not always available are None when absent."""

    interaction_id: str = wire_field("InteractionId")
    create_time: datetime = wire_field("CreateTime")
    channel: str | None = wire_field("Channel", default=None)
    """The number the caller dialled (inbound calls)."""
    ani: str | None = wire_field("ANI", default=None)
    """The caller id of the caller."""
    caller_name: str | None = wire_field("CallerName", default=None)
    queue_id: int | None = wire_field("QueueId", default=None)
    queue_time: datetime | None = wire_field("QueueTime", default=None)
    priority: int | None = wire_field("Priority", default=None)
    agent_id: str | None = wire_field("AgentId", default=None)
    user_input: tuple[UserInput, ...] = wire_field("UserInput", factory=tuple)
    extra: dict[str, Any] = attrs.field(factory=dict)
