"""`cc.recordings`: the Recordings API (`/api/recordings/...`): call recording files and chat
transcripts. Basic auth with the tenant and its data token.

The listings page like the statistics API (50 records per page, `n=` the 1-based offset of
the first record) and return an `OffsetPaginator`. They take the documented query variables:
`dates=`/`tz=` (the `d=` range), any field the listing returns as a keyword filter
(`agent_id="bill"`), the metadata variables (`metaData_fieldName`/`metaData_fieldValue`,
matched as case-sensitive substrings) and, for files, `start_date=`/`finish_date=`, which
find recordings that started or ended within 5 seconds of an instant.
"""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

import attrs
import httpx

from .._config import ApiFamily
from .._convert import structure, structure_many, wire_name
from .._dates import coerce_date_range, validate_timezone
from .._errors import DecodeError, InvalidArgumentError
from .._formats import (
    DocumentFormat,
    decode_csv,
    decode_document,
    unwrap_collection,
)
from .._http import HttpPipeline, RequestOptions
from .._pagination import DEFAULT_PREFETCH, OffsetPaginator
from .._redact import redact_url
from ..types.recordings import RecordingFile, Transcript, TranscriptDetail
from ._identify import documented_statuses

T = TypeVar("T")
DateInput = Any
"""A `DateRange`, a documented string (`"today-7d,today"`), a date/datetime or a pair."""

BASE_PATH = "/api/recordings"
COLLECTION = "recordings"
_ITEMS: Mapping[type[Any], str] = {RecordingFile: "file", Transcript: "transcript"}
_NESTED: Mapping[str, tuple[str, ...]] = {
    "wrapUpCode": ("transactionCodes", "transactionCode"),
    "metaDatas": ("metaData",),
    "messages": ("message",),
}
"""Wire keys holding a collection → the element names down to its items."""
_NOT_FILTERS = frozenset({"extra", "start_date", "wrap_up_codes", "meta_data", "messages"})
"""Fields that are no query variable: `start_date` is `start-date=`, the others nested."""


def _filter_fields(model: type[Any]) -> Mapping[str, str]:
    """The keyword filters a listing of `model` accepts → their wire names (case-sensitive)."""
    return {f.name: wire_name(f) for f in attrs.fields(model) if f.name not in _NOT_FILTERS}


def _filter_value(name: str, value: object) -> str:
    if isinstance(value, timedelta):
        return str(int(value.total_seconds()))
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    raise InvalidArgumentError(f"filter {name}= must be a string or an integer; got {value!r}")


def _instant_text(name: str, value: object) -> str:
    """A `start-date`/`finish-date` value: a date (midnight) or a datetime to the second.

    Aware datetimes go as UTC (`2007-12-19 19:16:58Z`, the document's example form); naive
    ones are wall time in `tz=` or the tenant's zone. Sub-seconds are dropped: the server
    matches within ±5 seconds.
    """
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            return f"{value:%Y-%m-%d %H:%M:%S}"
        return f"{value.astimezone(timezone.utc):%Y-%m-%d %H:%M:%S}Z"
    if isinstance(value, date):
        return value.isoformat()
    raise InvalidArgumentError(
        f"{name} must be a date or datetime (matched within ±5 seconds); got {value!r}"
    )


def _collection_items(value: Any, key: str, path: tuple[str, ...]) -> list[Any]:
    """The items of a nested collection (`{"metaData": [...]}`; one item or none too)."""
    for element in path:
        if value is None or value == "" or value == {}:
            return []
        if not isinstance(value, dict) or element not in value:
            raise DecodeError(f"expected {key}/{'/'.join(path)} items in a recordings record")
        value = value[element]
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, dict) for item in items):
        raise DecodeError(f"expected {key}/{'/'.join(path)} records in a recordings record")
    return items


def _flatten_nested(record: dict[str, Any]) -> dict[str, Any]:
    """The record with each nested collection as a plain list of item records."""
    for key, path in _NESTED.items():
        if key in record:
            record[key] = _collection_items(record[key], key, path)
    return record


def _segment(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or "/" in value:
        raise InvalidArgumentError(f"{name} must be a non-empty string without '/'; got {value!r}")
    return urllib.parse.quote(value, safe="")


def _file_path(filename: str | RecordingFile) -> str:
    """`/files/S20071220/R2007….wav`: the file name as listed, each segment escaped."""
    name = filename.filename if isinstance(filename, RecordingFile) else filename
    parts = name.split("/") if isinstance(name, str) else []
    if not parts or any(p in ("", ".", "..") for p in parts) or any(c in name for c in "?#\\"):
        raise InvalidArgumentError(
            "filename is a recording's file name as listed, like "
            f"'S20071220/R2007122003163601000.wav' (or the RecordingFile); got {name!r}"
        )
    return f"{BASE_PATH}/files/" + "/".join(urllib.parse.quote(p, safe="") for p in parts)


@attrs.frozen
class _Listing:
    """One listing: its path under `/api/recordings/`, record type and query parameters."""

    path: str
    model: type[Any]
    params: Mapping[str, str]


class Recordings:
    """The Recordings API: call recording files and chat transcripts."""

    def __init__(self, pipeline: HttpPipeline) -> None:
        self._pipeline = pipeline

    def files(
        self,
        *,
        dates: DateInput = None,
        tz: str | None = None,
        start_date: date | datetime | None = None,
        finish_date: date | datetime | None = None,
        metadata_field_name: str | None = None,
        metadata_field_value: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
        **filters: object,
    ) -> OffsetPaginator[RecordingFile]:
        """Call recording files (`/files`), optionally narrowed.

        `start_date`/`finish_date` find the recordings that started/ended within 5 seconds
        of an instant (a date means its midnight); give one: the server ignores `finish-date`
        next to `start-date`, so use `dates=` for a range. `**filters` are the fields a file
        shows (`agent_id`, `phone_number`, `channel`, …), e.g. the post-call screen pop's
        `agent_id=, channel=, phone_number=, finish_date=` find one call's recording.
        """
        if start_date is not None and finish_date is not None:
            raise InvalidArgumentError(
                "give start_date= or finish_date=, not both (the server would ignore "
                "finish-date); for a range of days or times use dates="
            )
        params = self._params(dates, tz, metadata_field_name, metadata_field_value)
        if start_date is not None:
            params["start-date"] = _instant_text("start_date", start_date)
        if finish_date is not None:
            params["finish-date"] = _instant_text("finish_date", finish_date)
        params.update(self._filters(RecordingFile, filters))
        return self._paginate(_Listing("files", RecordingFile, params), format, limit, prefetch)

    def transcripts(
        self,
        *,
        dates: DateInput = None,
        tz: str | None = None,
        metadata_field_name: str | None = None,
        metadata_field_value: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
        **filters: object,
    ) -> OffsetPaginator[Transcript]:
        """Chat transcripts (`/transcripts`), without their messages (see `transcript()`).

        `**filters` are the fields a transcript shows (`agent_id`, `queue_id`, …)."""
        params = self._params(dates, tz, metadata_field_name, metadata_field_value)
        params.update(self._filters(Transcript, filters))
        return self._paginate(_Listing("transcripts", Transcript, params), format, limit, prefetch)

    async def transcript(
        self, interaction_guid: str, *, format: DocumentFormat = "json"
    ) -> TranscriptDetail:
        """One transcript with all its messages (`/transcripts/{interactionGUID}`);
        NotFoundError when the tenant has no such interaction."""
        guid = _segment("interaction_guid", interaction_guid)
        fmt = self._format(format)
        options = RequestOptions(
            family=ApiFamily.RECORDINGS, method="GET", path=f"{BASE_PATH}/transcripts/{guid}.{fmt}"
        )

        def parse(response: httpx.Response) -> tuple[Any, httpx.URL]:
            document = decode_document(response.content, fmt)
            found = document.get("transcript") if isinstance(document, dict) else None
            if not isinstance(found, dict):
                raise DecodeError("expected a 'transcript' document", body=response.content)
            return _flatten_nested(found), response.url

        with documented_statuses(
            not_found=f"no chat transcript for interaction {interaction_guid!r} in this tenant",
            bad_request="the recordings API refused the request's syntax",
        ):
            record, url = await self._pipeline.request_parsed(options, parse)
        try:
            return structure(record, TranscriptDetail)
        except DecodeError as exc:
            raise DecodeError(str(exc), method="GET", url=redact_url(url)) from exc

    async def delete_transcript(self, interaction_guid: str) -> bool:
        """Remove every message of a transcript (the interaction stays, with a dummy
        message). True when removed; False when the interaction does not exist (the
        documented 204), which is not an error: deleting twice is safe."""
        guid = _segment("interaction_guid", interaction_guid)
        options = RequestOptions(
            family=ApiFamily.RECORDINGS, method="DELETE", path=f"{BASE_PATH}/transcripts/{guid}"
        )
        with documented_statuses(
            not_found=f"no chat transcript for interaction {interaction_guid!r}",
            bad_request="the recordings API refused the request's syntax",
        ):
            response = await self._pipeline.request(options)
        return response.status_code != httpx.codes.NO_CONTENT

    async def delete_file(self, filename: str | RecordingFile) -> None:
        """Delete one call recording file, named as listed (`S20071220/R….wav`; the `.wav`
        may be left out) or given as the `RecordingFile`. NotFoundError if there is none."""
        options = RequestOptions(
            family=ApiFamily.RECORDINGS, method="DELETE", path=_file_path(filename)
        )
        with documented_statuses(
            not_found=f"no recording file {filename!r} in this tenant (already deleted?)",
            bad_request="the recordings API refused the file name",
        ):
            await self._pipeline.request(options)

    # --- the engine --------------------------------------------------------------------

    @staticmethod
    def _format(format: str) -> DocumentFormat:
        if format not in ("json", "xml"):
            raise InvalidArgumentError(
                f"format must be 'json' or 'xml' (use .csv_pages() for CSV); got {format!r}"
            )
        return "json" if format == "json" else "xml"

    @staticmethod
    def _params(
        dates: DateInput,
        tz: str | None,
        metadata_field_name: str | None,
        metadata_field_value: str | None,
    ) -> dict[str, str]:
        params: dict[str, str] = {}
        if dates is not None:
            params["d"] = coerce_date_range(dates).to_query()
        if tz is not None:
            params["tz"] = validate_timezone(tz)
        metadata = {
            "metaData_fieldName": ("metadata_field_name", metadata_field_name),
            "metaData_fieldValue": ("metadata_field_value", metadata_field_value),
        }
        for wire, (name, value) in metadata.items():
            if value is None:
                continue
            if not isinstance(value, str) or not value:
                raise InvalidArgumentError(
                    f"{name} is a non-empty piece of text (matched as a case-sensitive "
                    f"substring); got {value!r}"
                )
            params[wire] = value
        return params

    @staticmethod
    def _filters(model: type[Any], filters: Mapping[str, object]) -> dict[str, str]:
        allowed = _filter_fields(model)
        params: dict[str, str] = {}
        for key, value in filters.items():
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise InvalidArgumentError(
                    f"unknown filter {key}= for {model.__name__} listings; filter by a field "
                    f"it shows ({known}), or use dates=, start_date=, finish_date=, "
                    "metadata_field_name=, metadata_field_value="
                )
            params[allowed[key]] = _filter_value(key, value)
        return params

    def _paginate(
        self, listing: _Listing, format: str, limit: int | None, prefetch: int | None
    ) -> OffsetPaginator[T]:
        fmt = self._format(format)
        return OffsetPaginator(
            functools.partial(self._fetch_records, listing, fmt),
            fetch_raw=functools.partial(self._fetch_csv, listing),
            limit=limit,
            prefetch=DEFAULT_PREFETCH if prefetch is None else prefetch,
        )

    def _options(self, listing: _Listing, fmt: str, offset: int) -> RequestOptions:
        return RequestOptions(
            family=ApiFamily.RECORDINGS,
            method="GET",
            path=f"{BASE_PATH}/{listing.path}.{fmt}",
            params={**listing.params, "n": str(offset)},
        )

    async def _fetch_records(
        self, listing: _Listing, fmt: DocumentFormat, offset: int
    ) -> list[Any]:
        item = _ITEMS[listing.model]

        def parse(response: httpx.Response) -> tuple[list[dict[str, Any]], httpx.URL]:
            records = unwrap_collection(decode_document(response.content, fmt), COLLECTION, item)
            return [_flatten_nested(record) for record in records], response.url

        with documented_statuses(
            not_found=f"the recordings API has no /{listing.path} listing here",
            bad_request=f"the recordings API refused the /{listing.path} query variables",
        ):
            records, url = await self._pipeline.request_parsed(
                self._options(listing, fmt, offset), parse
            )
        try:
            return structure_many(records, listing.model)
        except DecodeError as exc:  # deterministic: not retried, but located
            raise DecodeError(str(exc), method="GET", url=redact_url(url)) from exc

    async def _fetch_csv(self, listing: _Listing, offset: int) -> tuple[bytes, int]:
        def parse(response: httpx.Response) -> tuple[bytes, int]:
            return response.content, len(decode_csv(response.content))

        return await self._pipeline.request_parsed(self._options(listing, "csv", offset), parse)
