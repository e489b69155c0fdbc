"""Pulsar message ids as the WebSocket API writes them: base64 of a protobuf `MessageIdData`.

    message MessageIdData {
        uint64 ledgerId = 1; uint64 entryId = 2; int32 partition = 3; int32 batch_index = 4;
    }

Each field is a varint after its tag byte (0x08, 0x10, 0x18, 0x20). `CAEQAQ==` is ledger 1,
entry 1. Non-partitioned topics omit `partition`; the sandbox never batches, so `batch_index`
is omitted too. A tiny hand-written codec: the sandbox needs no protobuf dependency for four
integers.
"""

from __future__ import annotations

import base64
import binascii

import attrs

_TAGS = {0x08: "ledger", 0x10: "entry", 0x18: "partition", 0x20: "batch_index"}


class MessageIdError(ValueError):
    """A message id that is not base64 of a `MessageIdData` with a ledger and an entry."""


@attrs.frozen(order=True)
class MessageId:
    """A position in a topic: (ledger, entry); ids order as their positions do."""

    ledger: int
    entry: int
    partition: int | None = attrs.field(default=None, order=False)
    batch_index: int | None = attrs.field(default=None, order=False)

    def encode(self) -> str:
        """The base64 text a frame's `messageId` carries."""
        data = bytearray([0x08]) + varint(self.ledger) + bytes([0x10]) + varint(self.entry)
        if self.partition is not None:
            data += bytes([0x18]) + varint(self.partition)
        if self.batch_index is not None:
            data += bytes([0x20]) + varint(self.batch_index)
        return base64.b64encode(bytes(data)).decode("ascii")

    @classmethod
    def decode(cls, text: str) -> MessageId:
        """Parse a base64 message id (standard or URL-safe alphabet, padding optional)."""
        cleaned = text.strip().replace("-", "+").replace("_", "/")
        try:
            data = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MessageIdError(f"not base64: {text!r}") from exc
        fields: dict[str, int] = {}
        index = 0
        while index < len(data):
            name = _TAGS.get(data[index])
            if name is None:
                raise MessageIdError(f"unexpected protobuf tag {data[index]:#x} in {text!r}")
            value, index = read_varint(data, index + 1)
            fields[name] = value
        if "ledger" not in fields or "entry" not in fields:
            raise MessageIdError(f"a message id needs a ledger and an entry: {text!r}")
        return cls(**fields)


def varint(value: int) -> bytes:
    """Protobuf base-128 varint of a non-negative integer (least significant group first)."""
    if value < 0:
        value &= (1 << 64) - 1  # negative int32 fields are sign-extended to 64 bits
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def read_varint(data: bytes, index: int) -> tuple[int, int]:
    """The varint starting at `index`, and the index just after it."""
    value = shift = 0
    while True:
        if index >= len(data) or shift > 63:
            raise MessageIdError("truncated varint in a message id")
        byte = data[index]
        value |= (byte & 0x7F) << shift
        index += 1
        if not byte & 0x80:
            return value, index
        shift += 7
