"""Checkpoints: where a subscription's delivery stands, so a restarted process resumes the
same subscription and still drops the events it already delivered."""

from __future__ import annotations

import json
import os
import pathlib
import tempfile
from typing import Any, Protocol

import attrs

from .._errors import ConfigurationError


@attrs.define
class Checkpoint:
    """The subscription id and, per server instance, the last delivered sequence id."""

    subscription_id: str
    last_sequence: dict[str, int] = attrs.field(factory=dict)
    last_timestamp_ms: int | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return attrs.asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint:
        """Read a dict written by `to_json`; anything else is a ConfigurationError."""
        try:
            return cls(
                subscription_id=str(data["subscription_id"]),
                last_sequence={str(k): int(v) for k, v in data.get("last_sequence", {}).items()},
                last_timestamp_ms=(
                    None
                    if data.get("last_timestamp_ms") is None
                    else int(data["last_timestamp_ms"])
                ),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
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
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            return Checkpoint.from_json(json.loads(text))
        except ValueError as exc:
            raise ConfigurationError(
                f"the checkpoint file {self.path} is not JSON: {exc}"
            ) from None

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
