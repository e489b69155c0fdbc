"""The Recordings API (`/api/recordings/...`) as the sandbox serves it, with its ground truth
(`sb.recordings`): the tenant's recording files and chat transcripts, deletions reflected.

Basic auth, tenant + data token (missing or wrong: the documented 401). Served as documented:
`GET /files` and `/transcripts` (`.xml` by default, `.json`, `.csv`), 50 records a page from
`n=`; `d=`/`tz=` select on `startDate` ([start, end), like the statistics API); any field the
listing shows filters by exact value (names case-sensitive; unknown ones: 400);
`metaData_fieldName`/`metaData_fieldValue` match case-sensitive substrings; `start-date` and
`finish-date` (files) match within ±5 s, and only `start-date` counts when both are given.
`GET /transcripts/{guid}` (no CSV: 400); `DELETE /files/{name}` (`.wav` optional; 404 when
missing); `DELETE /transcripts/{guid}` (200, or 204 when the interaction does not exist).
The sandbox's choices where the document is silent: no `d=` lists everything; a metadata
name and value given together must match the same entry; a CSV has the plain fields only.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import math
import re
import threading
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

import attrs
import xmltodict
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..tenant._recordings_data import (
    WireDoc,
    dummy_message,
    handled_chats,
    recorded_calls,
    recording_file,
    transcript,
)
from ..tenant._tenant import Tenant
from ._auth import require_basic
from ._date_param import DateParamError, date_window, zone_named
from ._render import CONTENT_TYPES, Format
from ._stats import QueryError, split_format

PATH = "/api/recordings/{path:path}"
PAGE_SIZE = 50
MATCH_SECONDS = 5
"""`start-date`/`finish-date` match recordings within this many seconds either way."""

FILE_FILTERS = (
    "agentID", "phoneNumber", "channel", "caseID", "duration", "filename", "queueID",
    "queueName", "accountNumber", "transactionID", "extVar1", "extVar2", "outDialCode",
)  # fmt: skip
TRANSCRIPT_FILTERS = (
    "agentID", "agentName", "contactID", "contactName", "queueID", "queueName", "channelID",
    "channelName", "caseID", "targetIP", "transactionID", "interactionGUID", "transcriptType",
    "duration",
)  # fmt: skip
_COMMON = frozenset({"n", "d", "tz", "metaData_fieldName", "metaData_fieldValue"})
_INSTANT = re.compile(
    r"(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[ T](?P<H>[0-9]{2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2}))?)?"
    r"\s*(?P<zone>Z|[+-][0-9]{2}:?[0-9]{2})?"
)


class RecordingsQueryError(QueryError):
    """A request the server refuses: `status` (400 or 404) and the message it answers."""


@attrs.frozen
class _Kind:
    """One listing: its path, item element name and filterable fields."""

    path: str
    item: str
    filters: tuple[str, ...]
    instants: bool


FILES = _Kind("files", "file", FILE_FILTERS, instants=True)
TRANSCRIPTS = _Kind("transcripts", "transcript", TRANSCRIPT_FILTERS, instants=False)


def _epoch(text: str) -> float:
    return dt.datetime.fromisoformat(text).timestamp()


class RecordingsService:
    """The state of the simulated Recordings API, its ground truth, and its endpoint."""

    def __init__(self, tenant: Tenant, *, seed: int = 0) -> None:
        self._tenant = tenant
        self._zone = ZoneInfo(tenant.timezone)
        self._seed = seed
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Back to the generated files and transcripts, with nothing deleted."""
        tenant = self._tenant
        files = [recording_file(call, tenant) for call in recorded_calls(tenant)]
        transcripts: dict[str, WireDoc] = {}
        messages: dict[str, list[WireDoc]] = {}
        for chat in handled_chats(tenant):
            doc, said = transcript(chat, tenant, self._seed)
            transcripts[doc["interactionGUID"]] = doc
            messages[doc["interactionGUID"]] = said
        with self._lock:
            self._files = {f["filename"]: f for f in files}
            self._transcripts = transcripts
            self._messages = messages
            self.deleted_files: list[str] = []
            """File names deleted through the API, in order."""
            self.cleared_transcripts: list[str] = []
            """Interaction guids whose messages were deleted through the API, in order."""

    # --- ground truth ------------------------------------------------------------------

    def files(self) -> list[WireDoc]:
        """Every recording file the tenant still has, in start order (copies)."""
        with self._lock:
            return copy.deepcopy(list(self._files.values()))

    def transcripts(self) -> list[WireDoc]:
        """Every chat transcript, without messages, in start order (copies)."""
        with self._lock:
            return copy.deepcopy(list(self._transcripts.values()))

    def messages(self, interaction_guid: str) -> list[WireDoc]:
        """The messages of one transcript as served (KeyError for an unknown guid)."""
        with self._lock:
            return copy.deepcopy(self._messages[interaction_guid])

    # --- selection ---------------------------------------------------------------------

    def select(self, kind: _Kind, params: Iterable[tuple[str, str]]) -> list[WireDoc]:
        """One page of `kind`'s records that the query selects. Raises RecordingsQueryError."""
        query = dict(params)
        known = (
            _COMMON
            | set(kind.filters)
            | ({"start-date", "finish-date"} if kind.instants else set())
        )
        unknown = sorted(set(query) - known)
        if unknown:
            fields = ", ".join(sorted(known))
            raise RecordingsQueryError(
                400, f"Bad request: unknown variable {unknown[0]!r} ({fields})"
            )
        offset = query.get("n", "1")
        if not (offset.isascii() and offset.isdigit() and int(offset) >= 1):
            raise RecordingsQueryError(400, "Bad request: n must be a positive integer offset")
        zone = self._tz(query.get("tz"))
        window = self._window(query["d"], zone) if "d" in query else (-math.inf, math.inf)
        instants: dict[str, float] = {
            name: _instant(query[name], zone)
            for name in ("start-date", "finish-date")
            if kind.instants and name in query
        }
        with self._lock:
            records = list((self._files if kind is FILES else self._transcripts).values())
        selected = [r for r in records if _matches(r, kind, query, window, instants)]
        start = int(offset) - 1
        return copy.deepcopy(selected[start : start + PAGE_SIZE])

    def _tz(self, name: str | None) -> dt.tzinfo:
        if name is None:
            return self._zone
        try:
            return zone_named(name)
        except DateParamError as error:
            raise RecordingsQueryError(400, f"Bad request: {error}") from None

    def _window(self, dates: str, zone: dt.tzinfo) -> tuple[float, float]:
        try:
            return date_window(dates, self._tenant.now, zone)
        except DateParamError as error:
            raise RecordingsQueryError(400, f"Bad request: {error}") from None

    # --- HTTP --------------------------------------------------------------------------

    async def endpoint(self, request: Request) -> Response:
        """`GET|DELETE /api/recordings/{files,transcripts}...`."""
        denied = self._check_auth(request)
        if denied is not None:
            return denied
        stem, fmt = split_format(request.path_params["path"])
        head, _, rest = stem.partition("/")
        try:
            if request.method == "DELETE" and rest:
                return self._delete(head, rest)
            if request.method == "GET" and head in ("files", "transcripts") and not rest:
                kind = FILES if head == "files" else TRANSCRIPTS
                page = self.select(kind, request.query_params.multi_items())
                return _render(fmt, kind, page)
            if request.method == "GET" and head == "transcripts" and "/" not in rest and rest:
                return self._one_transcript(rest, fmt)
        except RecordingsQueryError as error:
            return error.response()
        return PlainTextResponse(f"Not found: /api/recordings/{stem}", 404)

    def _check_auth(self, request: Request) -> Response | None:
        credentials = self._tenant.credentials
        return require_basic(request, credentials.tenant_name, credentials.data_token)

    def _delete(self, head: str, rest: str) -> Response:
        with self._lock:
            if head == "files":
                name = rest if rest in self._files else f"{rest}.wav"
                if name not in self._files:
                    return PlainTextResponse(f"Not found: recording file {rest}", 404)
                del self._files[name]
                self.deleted_files.append(name)
                return Response(status_code=200)
            if head == "transcripts" and "/" not in rest:
                doc = self._transcripts.get(rest)
                if doc is None:
                    return Response(status_code=204)
                self._messages[rest] = [dummy_message(doc)]
                self.cleared_transcripts.append(rest)
                return Response(status_code=200)
        return PlainTextResponse(f"Not found: /api/recordings/{head}/{rest}", 404)

    def _one_transcript(self, guid: str, fmt: Format) -> Response:
        if fmt == "csv":
            raise RecordingsQueryError(400, "Bad request: a transcript has no CSV form")
        with self._lock:
            doc = self._transcripts.get(guid)
            if doc is None:
                raise RecordingsQueryError(404, f"Not found: transcript {guid}")
            detail = {**doc, "messages": {"message": list(self._messages[guid])}}
            body = _encode(fmt, {"transcript": detail})
        return Response(body, headers={"content-type": CONTENT_TYPES[fmt]})


def _matches(
    record: WireDoc,
    kind: _Kind,
    query: dict[str, str],
    window: tuple[float, float],
    instants: dict[str, float],
) -> bool:
    """Whether a record passes the query variables, `d=` and `start-date`/`finish-date`
    (only `start-date` counts when both are given, as documented)."""
    if any(record[name] != query[name] for name in kind.filters if name in query):
        return False
    if not _metadata_matches(
        record, query.get("metaData_fieldName"), query.get("metaData_fieldValue")
    ):
        return False
    started = _epoch(record["startDate"])
    if not window[0] <= started < window[1]:
        return False
    if "start-date" in instants:
        return abs(started - instants["start-date"]) <= MATCH_SECONDS
    if "finish-date" in instants:
        finished = started + int(record["duration"] or 0)
        return abs(finished - instants["finish-date"]) <= MATCH_SECONDS
    return True


def _metadata_matches(record: WireDoc, name: str | None, value: str | None) -> bool:
    """Whether one metadata entry contains `name` in its name and `value` in its value."""
    if name is None and value is None:
        return True
    entries = record["metaDatas"]["metaData"] if record["metaDatas"] else []
    return any(
        (name is None or name in entry["fieldName"])
        and (value is None or value in entry["fieldValue"])
        for entry in entries
    )


def _instant(text: str, zone: dt.tzinfo) -> float:
    """A `start-date`/`finish-date` value as epoch seconds (no time: midnight; no zone: `zone`)."""
    match = _INSTANT.fullmatch(text.strip())
    if match is None:
        raise RecordingsQueryError(400, f"Bad request: unrecognised date {text!r}")
    try:
        day = dt.date.fromisoformat(match["day"])
        clock = dt.time(int(match["H"] or 0), int(match["M"] or 0), int(match["S"] or 0))
    except ValueError:
        raise RecordingsQueryError(400, f"Bad request: {text!r} is not a real date") from None
    tz: dt.tzinfo = zone
    designator = match["zone"]
    if designator == "Z":
        tz = dt.timezone.utc
    elif designator:
        digits = designator[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        tz = dt.timezone(offset if designator[0] == "+" else -offset)
    return dt.datetime.combine(day, clock, tzinfo=tz).timestamp()


def _encode(fmt: Format, document: WireDoc) -> bytes:
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False).encode()
    text: str = xmltodict.unparse(document, pretty=True)
    return text.encode()


def _render(fmt: Format, kind: _Kind, records: Sequence[WireDoc]) -> Response:
    if fmt == "csv":
        out = io.StringIO()
        columns = (
            [name for name in records[0] if isinstance(records[0][name], str)] if records else []
        )
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([record[c] for c in columns] for record in records)
        body = out.getvalue().encode()
    else:
        body = _encode(fmt, {"recordings": {kind.item: list(records)}})
    return Response(body, headers={"content-type": CONTENT_TYPES[fmt]})
