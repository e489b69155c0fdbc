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

Without separators (JSON, XML) a malformed event has no known end: it ends where the next
event begins (the next `{"Name` or XML declaration), so one bad event never hides the next.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import re
from collections.abc import Iterator
from typing import Final, Literal

from .._constants import SAPI_MAX_FRAME_CHARS
from .._errors import StreamError

OutputType = Literal["JSON", "XML", "NEWLINE_JSON", "NEWLINE_XML"]
OUTPUT_TYPES: Final = ("JSON", "XML", "NEWLINE_JSON", "NEWLINE_XML")

HEARTBEAT: Final = "X"
"""The frame the framer yields for each Atmosphere `X` heartbeat character."""

_HANDSHAKE = re.compile(r"([0-9A-Za-z-]{8,})\|(\d+)\|([^|]*)\|")
_LENGTH_PREFIX = re.compile(r"(\d{1,9})\|")
_XML_DECLARATION = re.compile(r"<\?xml[^>]*\?>\s*")
_XML_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_XML_START = re.compile(r"<\?xml\s")
_JSON_EVENT = re.compile(r'\{\s*"[A-Z]')
"""Where an event may begin: event names start with a capital letter, field names do not."""
_JSON_NESTED = re.compile(r"\s*[,:\]}]")
"""What follows an object nested in another, never a whole event."""
_JSON_TAIL = 10
"""A JSON error this close to the end may be a number or literal cut short (`-Infinit`)."""
_INCOMPLETE: Final = -1
_MALFORMED: Final = -2
_WHITESPACE = " \t\r\n"


class FramingError(StreamError):
    """The stream's bytes cannot be split into frames (corrupt, oversized or truncated).

    `frames` holds the frames completed before the error and `rest` the text left unframed,
    so that the caller loses neither.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.frames: list[str] = []
        self.rest = ""


class Framer:
    """Feed bytes, get frames: event texts (one JSON object or XML document) or HEARTBEAT."""

    def __init__(self, output: OutputType, *, max_frame_chars: int = SAPI_MAX_FRAME_CHARS) -> None:
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
        frames: list[str] = []
        with self._reporting(frames):
            try:
                self._buffer += self._decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                self._buffer += chunk.decode("utf-8", errors="replace")
                raise FramingError(f"the stream is not valid UTF-8: {exc.reason}") from None
            if not self._started and not self._start():
                self._check_size(self._buffer)
            elif self.output == "NEWLINE_JSON":
                self._lines(frames)
            else:
                self._scan(frames)
        return frames

    def close(self) -> list[str]:
        """At the end of the stream: the last frames, or FramingError if one is truncated."""
        frames: list[str] = []
        with self._reporting(frames):
            try:
                self._buffer += self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self._buffer += "\ufffd"
                raise FramingError("the stream ended inside a UTF-8 character") from None
            if self._started or self._start():
                if self.output == "NEWLINE_JSON":
                    self._lines(frames)
                    self._last_line(frames)
                else:
                    self._scan(frames)
            rest = self._buffer.strip(_WHITESPACE)
            if rest:
                raise FramingError(f"the stream ended inside a frame: {rest[:80]!r}")
        return frames

    @contextlib.contextmanager
    def _reporting(self, frames: list[str]) -> Iterator[None]:
        """On FramingError: attach the frames completed so far and the unframed rest."""
        try:
            yield
        except FramingError as exc:
            exc.frames, exc.rest = frames, self._buffer.strip(_WHITESPACE)
            self._buffer = ""
            raise

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
        try:
            while True:
                while position < len(buffer) and buffer[position] in _WHITESPACE:
                    position += 1
                if position >= len(buffer):
                    break
                if buffer[position] == HEARTBEAT:
                    frames.append(HEARTBEAT)
                    position += 1
                    continue
                end = self._message_end(buffer, position)
                if end is None:
                    break
                start, stop, position = end
                frames.append(buffer[start:stop].strip(_WHITESPACE))
        finally:
            self._buffer = buffer[position:]  # on error too: only the unframed rest is left
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
        """A malformed object ends where the next event begins; None while unknown."""
        stop = self._json_stop(buffer, position)
        if stop == _MALFORMED:
            stop = self._next_json_event(buffer, position + 1)
        if stop == _INCOMPLETE:
            return None  # _check_size bounds how long we wait
        return position, stop, stop

    def _json_stop(self, buffer: str, at: int) -> int:
        """Where the JSON value at `at` ends; _INCOMPLETE if the end of the buffer cuts it
        short (it may still complete), _MALFORMED if it is wrong before that."""
        try:
            return self._json.raw_decode(buffer, at)[1]
        except RecursionError:
            return _MALFORMED
        except json.JSONDecodeError as exc:
            cut = exc.msg.startswith("Unterminated string") or len(buffer) - exc.pos <= _JSON_TAIL
            return _INCOMPLETE if cut else _MALFORMED

    def _next_json_event(self, buffer: str, start: int) -> int:
        """The first `{"Name` from `start` that is not an object nested in the bad one."""
        for candidate in _JSON_EVENT.finditer(buffer, start):
            stop = self._json_stop(buffer, candidate.start())
            if stop == _INCOMPLETE:
                return _INCOMPLETE  # nested or the next event: known once it completes
            if stop == _MALFORMED or not _JSON_NESTED.match(buffer, stop):
                return candidate.start()
        return _INCOMPLETE

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
        name = root.group(1)
        closing = buffer.find(f"</{name}>", tag_end)
        following = _next_xml_document(buffer, tag_end, closing, name)
        if following >= 0:
            return position, following, following  # unclosed: the next document began first
        if closing < 0:
            return None
        stop = closing + len(name) + 3
        return position, stop, stop

    def _check_size(self, pending: str) -> None:
        if len(pending) > self.max_frame_chars:
            raise FramingError(
                f"a frame grew past {self.max_frame_chars} characters without ending; "
                "raise max_frame_chars if the server really sends events this large"
            )


def _next_xml_document(buffer: str, start: int, closing: int, root: str) -> int:
    """Where a document begins between `start` and `closing` (its XML declaration, or an
    element named like the root: events do not nest), or -1."""
    end = closing if closing >= 0 else len(buffer)
    starts = [
        found.start()
        for found in (
            _XML_START.search(buffer, start, end),
            re.compile(rf"<{re.escape(root)}[\s/>]").search(buffer, start, end),
        )
        if found is not None
    ]
    return min(starts, default=-1)


def _excerpt(buffer: str, position: int) -> str:
    return repr(buffer[position : position + 40])
