"""Checkpoints: where a subscription's delivery stands, so a restarted process resumes the
same subscription and still drops the events it already delivered."""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import tempfile
from typing import Any, Protocol

import attrs

from .._errors import ConfigurationError


@attrs.define
class Checkpoint:
    """Where a subscription's delivery stands. SAPI: the subscription id and, per server
    instance, the last delivered sequence id. Event Streaming: the topic (in
    `subscription_id`) and the id of the last delivered message."""

    subscription_id: str
    last_sequence: dict[str, int] = attrs.field(factory=dict)
    last_timestamp_ms: int | None = None
    last_message_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return attrs.asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint:
        """Read a dict written by `to_json`; anything else is a ConfigurationError."""
        try:
            subscription_id = data["subscription_id"]
            if not isinstance(subscription_id, str) or not subscription_id:
                raise TypeError(f"subscription_id is {subscription_id!r}, not a name")
            stamp = data.get("last_timestamp_ms")
            if stamp is not None:
                stamp = int(stamp)
                dt.datetime.fromtimestamp(stamp / 1000, tz=dt.timezone.utc)  # in range?
            message_id = data.get("last_message_id")
            if message_id is not None and not isinstance(message_id, str):
                raise TypeError(f"last_message_id is {message_id!r}, not a message id")
            return cls(
                subscription_id=subscription_id,
                last_sequence={str(k): int(v) for k, v in data.get("last_sequence", {}).items()},
                last_timestamp_ms=stamp,
                last_message_id=message_id,
            )
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError, OSError) as exc:
            raise ConfigurationError(f"the checkpoint is not readable: {exc!r}") from None


class CheckpointStore(Protocol):
    """Where checkpoints live. `load()` returns None when there is none yet."""

    def load(self) -> Checkpoint | None: ...

    def save(self, checkpoint: Checkpoint) -> None: ...


class MemoryCheckpointStore:
    """A checkpoint kept in memory (for tests, or to share between readers in one process)."""

    def __init__(self, checkpoint: Checkpoint | None = None) -> None:
        self.checkpoint = checkpoint

    def load(self) -> Checkpoint | None:
        return None if self.checkpoint is None else Checkpoint.from_json(self.checkpoint.to_json())

    def save(self, checkpoint: Checkpoint) -> None:
        self.checkpoint = Checkpoint.from_json(checkpoint.to_json())


class FileCheckpointStore:
    """A checkpoint in a JSON file, replaced atomically (write a temporary file, rename)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = pathlib.Path(path)

    def __repr__(self) -> str:
        return f"FileCheckpointStore({str(self.path)!r})"

    def load(self) -> Checkpoint | None:
        """The saved checkpoint, None if there is no file; ConfigurationError if corrupt."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            return Checkpoint.from_json(json.loads(data.decode("utf-8")))
        except ConfigurationError as exc:
            problem = str(exc)
        except (ValueError, RecursionError) as exc:  # invalid UTF-8 or JSON; absurd nesting
            problem = f"not JSON: {exc!r}"
        raise ConfigurationError(
            f"the checkpoint file {self.path} is corrupt ({problem[:200]}); restore it, or "
            "delete it and pass subscription_id= (events the server replays may then be "
            "delivered again)"
        )

    def save(self, checkpoint: Checkpoint) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(checkpoint.to_json(), file)
            os.replace(temporary, self.path)
        except BaseException:
            pathlib.Path(temporary).unlink(missing_ok=True)
            raise
