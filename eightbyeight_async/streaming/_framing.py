"""SAPI framing: bytes in any chunking → complete frames. Pure, no I/O.

What a SAPI response may contain (the server is built on the Atmosphere framework):
  - a run of whitespace padding (~2 KB) at the start;
  - a handshake `trackingId|heartbeatMs|padding|` before the first message;
  - messages prefixed with their length in characters: `123|{"AgentStatusChange":…}`;
  - `X` heartbeat characters between messages;
  - events as JSON objects or XML documents, each followed by "\n" (NEWLINE_JSON,
    NEWLINE_XML) or back to back (JSON, XML).

Bytes are decoded incrementally as UTF-8, so a chunk may end inside a multi-byte character.
Lines are split on "\n" only (never U+2028/U+0085, which JSON strings may contain). A frame
that grows past `max_frame_chars` without completing is an error, not unbounded memory.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Final, Literal

from .._errors import StreamError

OutputType = Literal["JSON", "XML", "NEWLINE_JSON", "NEWLINE_XML"]
OUTPUT_TYPES: Final = ("JSON", "XML", "NEWLINE_JSON", "NEWLINE_XML")

HEARTBEAT: Final = "X"
"""The frame the framer yields for each Atmosphere `X` heartbeat character."""

DEFAULT_MAX_FRAME_CHARS = 4 * 1024 * 1024

_HANDSHAKE = re.compile(r"([0-9A-Za-z-]{8,})\|(\d+)\|([^|]*)\|")
_LENGTH_PREFIX = re.compile(r"(\d{1,9})\|")
_XML_DECLARATION = re.compile(r"<\?xml[^>]*\?>\s*")
_XML_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_WHITESPACE = " \t\r\n"


class FramingError(StreamError):
    """The stream's bytes cannot be split into frames (corrupt, oversized or truncated)."""


class Framer:
    """Feed bytes, get frames: event texts (one JSON object or XML document) or HEARTBEAT."""

    def __init__(
        self, output: OutputType, *, max_frame_chars: int = DEFAULT_MAX_FRAME_CHARS
    ) -> None:
        if output not in OUTPUT_TYPES:
            raise ValueError(f"output must be one of {', '.join(OUTPUT_TYPES)}; got {output!r}")
        self.output = output
        self.max_frame_chars = max_frame_chars
        self.heartbeat_ms: int | None = None
        self.tracking_id: str | None = None
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._buffer = ""
        self._started = False
        self._json = json.JSONDecoder()

    def feed(self, chunk: bytes) -> list[str]:
        """The frames completed by `chunk` (possibly none)."""
        try:
            self._buffer += self._decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise FramingError(f"the stream is not valid UTF-8: {exc.reason}") from None
        frames: list[str] = []
        if not self._started and not self._start():
            self._check_size(self._buffer)
            return frames
        if self.output == "NEWLINE_JSON":
            self._lines(frames)
        else:
            self._scan(frames)
        return frames

    def close(self) -> list[str]:
        """At the end of the stream: the last frames, or FramingError if one is truncated."""
        try:
            self._buffer += self._decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FramingError("the stream ended inside a UTF-8 character") from None
        frames: list[str] = []
        if self._started or self._start():
            if self.output == "NEWLINE_JSON":
                self._lines(frames)
                self._last_line(frames)
            else:
                self._scan(frames)
        rest = self._buffer.strip(_WHITESPACE)
        self._buffer = ""
        if rest:
            raise FramingError(f"the stream ended inside a frame: {rest[:80]!r}")
        return frames

    # --- stream start: padding and the Atmosphere handshake ---------------------------------

    def _start(self) -> bool:
        """Skip the padding and parse a handshake; False while the start is incomplete."""
        text = self._buffer.lstrip(_WHITESPACE)
        if not text:
            return False
        handshake = _HANDSHAKE.match(text)
        if handshake:
            self.tracking_id, self.heartbeat_ms = handshake.group(1), int(handshake.group(2))
            text = text[handshake.end() :]
        elif not (
            text[0] in "{<" + HEARTBEAT
            or _LENGTH_PREFIX.match(text)
            or text.count("|") >= 3  # three separators and still no handshake: there is none
            or len(text) > 512
        ):
            return False  # maybe the first part of a handshake
        self._buffer, self._started = text, True
        return True

    # --- NEWLINE_JSON: split on "\n" (JSON text cannot contain a raw newline) --------------

    def _lines(self, frames: list[str]) -> None:
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            self._line(line, frames)
        self._check_size(self._buffer)

    def _last_line(self, frames: list[str]) -> None:
        """At the end: a last event without its newline counts only if it is complete."""
        tail: list[str] = []
        self._line(self._buffer, tail)
        for frame in tail:
            if frame != HEARTBEAT:
                try:
                    self._json.decode(frame)
                except json.JSONDecodeError:
                    return  # left in the buffer: close() reports the truncated frame
        frames.extend(tail)
        self._buffer = ""

    def _line(self, line: str, frames: list[str]) -> None:
        text = line.strip(" \t\r")
        while text:
            first = text[0]
            if first == "{":
                frames.append(text)
                return
            if first == HEARTBEAT:
                stripped = text.lstrip(HEARTBEAT)
                frames.extend(HEARTBEAT * (len(text) - len(stripped)))
                text = stripped.lstrip(" \t\r")
                continue
            match = _LENGTH_PREFIX.match(text)
            if match is None:
                frames.append(text)  # not JSON: the parser reports it as malformed
                return
            text = text[match.end() :]

    # --- JSON, XML, NEWLINE_XML: scan message by message ----------------------------------

    def _scan(self, frames: list[str]) -> None:
        buffer, position = self._buffer, 0
        while True:
            while position < len(buffer) and buffer[position] in _WHITESPACE:
                position += 1
            if position >= len(buffer):
                break
            first = buffer[position]
            if first == HEARTBEAT:
                frames.append(HEARTBEAT)
                position += 1
                continue
            end = self._message_end(buffer, position)
            if end is None:
                break
            start, stop, position = end
            frames.append(buffer[start:stop].strip(_WHITESPACE))
        self._buffer = buffer[position:]
        self._check_size(self._buffer)

    def _message_end(self, buffer: str, position: int) -> tuple[int, int, int] | None:
        """(start, stop, next position) of the message at `position`, None if incomplete."""
        first = buffer[position]
        if first.isdigit():
            match = _LENGTH_PREFIX.match(buffer, position)
            if match is None:
                if len(buffer) - position > 10:
                    raise FramingError(f"expected a length prefix: {_excerpt(buffer, position)}")
                return None
            start = match.end()
            stop = start + int(match.group(1))
            return (start, stop, stop) if stop <= len(buffer) else None
        if first == "{":
            return self._json_end(buffer, position)
        if first == "<":
            return self._xml_end(buffer, position)
        raise FramingError(f"unexpected data in the stream: {_excerpt(buffer, position)}")

    def _json_end(self, buffer: str, position: int) -> tuple[int, int, int] | None:
        try:
            _, stop = self._json.raw_decode(buffer, position)
        except json.JSONDecodeError:
            return None  # incomplete so far; _check_size bounds how long we wait
        return position, stop, stop

    def _xml_end(self, buffer: str, position: int) -> tuple[int, int, int] | None:
        declaration = _XML_DECLARATION.match(buffer, position)
        root_at = declaration.end() if declaration else position
        root = _XML_ROOT.match(buffer, root_at)
        if root is None:
            if len(buffer) - root_at < 256:
                return None
            raise FramingError(f"XML without a root element: {_excerpt(buffer, position)}")
        tag_end = buffer.find(">", root.end())
        if tag_end < 0:
            return None
        if buffer[tag_end - 1] == "/":  # a self-closing root element
            return position, tag_end + 1, tag_end + 1
        closing = buffer.find(f"</{root.group(1)}>", tag_end)
        if closing < 0:
            return None
        stop = closing + len(root.group(1)) + 3
        return position, stop, stop

    def _check_size(self, pending: str) -> None:
        if len(pending) > self.max_frame_chars:
            raise FramingError(
                f"a frame grew past {self.max_frame_chars} characters without ending; "
                "raise max_frame_chars if the server really sends events this large"
            )


def _excerpt(buffer: str, position: int) -> str:
    return repr(buffer[position : position + 40])
