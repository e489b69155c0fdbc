"""Values of the Recording Control API: the action, and the outcome the server reports.

The API answers 200 for three outcomes (the recording was paused or resumed; there was
nothing to modify; recording is not enabled for the agent), so those are a typed result,
not exceptions. A 400, 401 or 404 is an error.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from .._enums import OpenEnum

__all__ = ["RecordingAction", "RecordingControlResult", "RecordingControlStatus"]


class RecordingAction(enum.Enum):
    """The documented control actions (`action=`): pause or resume the audio feed."""

    PAUSE = "pause"
    RESUME = "resume"


class RecordingControlStatus(OpenEnum):
    """The documented 200 outcomes; another status text is kept as an unknown member."""

    SUCCESS = "success"
    """The recording of the agent's active transaction was paused or resumed."""
    NOTHING_TO_MODIFY = "nothing to be modified"
    """No active transaction, or its recording was not started (or already in that state)."""
    NOT_ENABLED = "not enabled"
    """The recording feature is not enabled for the agent."""


@attrs.frozen
class RecordingControlResult:
    """What one pause/resume request did, and for which agent (by id or by email)."""

    action: RecordingAction
    status: RecordingControlStatus
    agent_id: str | None = None
    email: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False, repr=False)
    """What the 200 answer held besides its status (the document shows no sample body)."""

    @property
    def applied(self) -> bool:
        """True when the recording was actually paused or resumed."""
        return self.status is RecordingControlStatus.SUCCESS
