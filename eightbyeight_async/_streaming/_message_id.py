"""Event Streaming message ids: base64 of a protobuf `MessageIdData`, read to order them.

    message MessageIdData { uint64 ledgerId = 1; uint64 entryId = 2; int32 partition = 3;
                            int32 batch_index = 4; ... }

`CAEQAQ==` is ledger 1, entry 1. A reader's messages on one topic come in id order, so the
ids say which message was delivered already (a redelivery) and which were skipped (a gap,
within one ledger). The text of an id is what the server wants back: it is never rebuilt.
"""

from __future__ import annotations

import base64
import binascii

import attrs

_VARINT = 0
_FIXED64 = 1
_LENGTH_DELIMITED = 2
_FIXED32 = 5
_FIELDS = {1: "ledger", 2: "entry", 3: "partition", 4: "batch_index"}


class MessageIdError(ValueError):
    """A message id that is not base64 of a protobuf MessageIdData."""


@attrs.frozen(order=True)
class MessageId:
    """The position a message id names; ordered like the topic's messages."""

    ledger: int
    entry: int
    batch_index: int = -1
    partition: int = attrs.field(default=-1, order=False)

    @classmethod
    def parse(cls, text: str) -> MessageId:
        """Read a base64 message id; MessageIdError if it is not one."""
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MessageIdError(f"message id {text[:40]!r} is not base64: {exc}") from None
        fields = _read_fields(data, text)
        if "ledger" not in fields or "entry" not in fields:
            raise MessageIdError(f"message id {text[:40]!r} has no ledger and entry id")
        return cls(
            ledger=fields["ledger"],
            entry=fields["entry"],
            batch_index=fields.get("batch_index", -1),
            partition=fields.get("partition", -1),
        )

    def follows(self, previous: MessageId) -> int | None:
        """How many messages lie between `previous` and this one in the same ledger and
        partition (0: the next one); None when that cannot be told (another ledger)."""
        if (self.ledger, self.partition) != (previous.ledger, previous.partition):
            return None
        if self.batch_index >= 0 or previous.batch_index >= 0:
            return None if self.entry - previous.entry > 1 else 0
        return max(self.entry - previous.entry - 1, 0)


def _read_fields(data: bytes, text: str) -> dict[str, int]:
    """The known varint fields of a protobuf message; others are skipped by wire type."""
    fields: dict[str, int] = {}
    position = 0
    while position < len(data):
        key, position = _varint(data, position, text)
        number, wire_type = key >> 3, key & 7
        if wire_type == _VARINT:
            value, position = _varint(data, position, text)
            name = _FIELDS.get(number)
            if name is not None:
                fields[name] = _signed(value) if name in ("partition", "batch_index") else value
        elif wire_type == _LENGTH_DELIMITED:
            length, position = _varint(data, position, text)
            position += length
        elif wire_type in (_FIXED64, _FIXED32):
            position += 8 if wire_type == _FIXED64 else 4
        else:
            raise MessageIdError(f"message id {text[:40]!r}: unknown protobuf wire type")
        if position > len(data):
            raise MessageIdError(f"message id {text[:40]!r} is cut short")
    return fields


def _varint(data: bytes, position: int, text: str) -> tuple[int, int]:
    value = shift = 0
    while position < len(data) and shift < 70:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position
        shift += 7
    raise MessageIdError(f"message id {text[:40]!r} has an unfinished varint")


def _signed(value: int) -> int:
    """An int32 field: negative values are sent as 64-bit two's complement varints."""
    return value - (1 << 64) if value >= 1 << 63 else value
