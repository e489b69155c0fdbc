"""`cc.recordings`: the Recordings API (`/api/recordings/...`): call recording files and chat
transcripts. Basic auth with the tenant and its data token.

The listings page like the statistics API (50 records per page, `n=` the 1-based offset of
the first record) and return an `OffsetPaginator`. They take the documented query variables:
`dates=`/`tz=` (the `d=` range), any field the listing returns as a filter
(`filters={"agent_id": "bill"}`), the metadata variables (`metaData_fieldName`,
`metaData_fieldValue`: case-sensitive substrings) and, for files,
`start_date=`/`finish_date=`, which find recordings that started or ended within 5 seconds
of an instant.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

import attrs
import httpx
from typing_extensions import Unpack

from .._config import ApiFamily
from .._convert import wire_name
from .._endpoints import Action, CallOptions, Endpoint, Envelope, ListingOptions
from .._errors import InvalidArgumentError, NotFoundError, documented_statuses
from .._formats import (
    DocumentFormat,
)
from .._http import HttpPipeline
from .._listing import lookup, offset_listing
from .._paginators import OffsetPaginator
from .._redact import redact_url
from ..types.recordings import RecordingFile, Transcript, TranscriptDetail
from ._stats_query import check_filters, date_params

T = TypeVar("T")
DateInput = Any
"""A `DateRange`, a documented string (`"today-7d,today"`), a date/datetime or a pair."""

BASE_PATH = "/api/recordings"


def _listing(path: str, model: type[T], item: str) -> Endpoint[T]:
    return Endpoint(
        ApiFamily.RECORDINGS,
        f"{BASE_PATH}/{path}",
        model,
        Envelope("recordings", item),
        offset_paged=True,
        not_found=f"the recordings API has no /{path} listing here",
        bad_request=f"the recordings API refused the /{path} query variables",
    )


FILES = _listing("files", RecordingFile, "file")
TRANSCRIPTS = _listing("transcripts", Transcript, "transcript")
TRANSCRIPT = Endpoint(
    ApiFamily.RECORDINGS,
    f"{BASE_PATH}/transcripts/{{interaction_guid}}",
    TranscriptDetail,
    Envelope("transcripts", "transcript", lone_root=True),  # `{"transcript": {...}}`
    bad_request="the recordings API refused the request's syntax",
)
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


def _guid(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or "/" in value:
        raise InvalidArgumentError(
            f"interaction_guid must be a non-empty string without '/'; got {value!r}"
        )
    return value


CLEAR_TRANSCRIPT = Action(
    ApiFamily.RECORDINGS, "DELETE", f"{BASE_PATH}/transcripts/{{interaction_guid}}"
)
# The file name as listed (`S20071220/R2007….wav`): each of its segments escaped.
DELETE_FILE = Action(ApiFamily.RECORDINGS, "DELETE", f"{BASE_PATH}/files/{{filename}}", safe="/")


def _file_name(filename: str | RecordingFile) -> str:
    """The file name as listed, refused when it is not one (empty, dot or query parts)."""
    name = filename.filename if isinstance(filename, RecordingFile) else filename
    parts = name.split("/") if isinstance(name, str) else []
    if not parts or any(p in ("", ".", "..") for p in parts) or any(c in name for c in "?#\\"):
        raise InvalidArgumentError(
            "filename is a recording's file name as listed, like "
            f"'S20071220/R2007122003163601000.wav' (or the RecordingFile); got {name!r}"
        )
    return name


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
        filters: Mapping[str, object] | None = None,
        **options: Unpack[ListingOptions],
    ) -> OffsetPaginator[RecordingFile]:
        """Call recording files (`/files`), optionally narrowed.

        `start_date`/`finish_date` find the recordings that started/ended within 5 seconds
        of an instant (a date means its midnight); give one: the server ignores `finish-date`
        next to `start-date`, so use `dates=` for a range. `filters=` are the fields a file
        shows (`agent_id`, `phone_number`, `channel`, …), e.g. the post-call screen pop's
        `filters={"agent_id": …, "channel": …, "phone_number": …}` with `finish_date=` find
        one call's recording.
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
        return offset_listing(self._pipeline, FILES, params=params, **options)

    def transcripts(
        self,
        *,
        dates: DateInput = None,
        tz: str | None = None,
        metadata_field_name: str | None = None,
        metadata_field_value: str | None = None,
        filters: Mapping[str, object] | None = None,
        **options: Unpack[ListingOptions],
    ) -> OffsetPaginator[Transcript]:
        """Chat transcripts (`/transcripts`), without their messages (see `transcript()`).

        `filters=` are the fields a transcript shows (`agent_id`, `queue_id`, …)."""
        params = self._params(dates, tz, metadata_field_name, metadata_field_value)
        params.update(self._filters(Transcript, filters))
        return offset_listing(self._pipeline, TRANSCRIPTS, params=params, **options)

    async def transcript(
        self,
        interaction_guid: str,
        *,
        format: DocumentFormat = "json",
        **call: Unpack[CallOptions],
    ) -> TranscriptDetail:
        """One transcript with all its messages (`/transcripts/{interactionGUID}`);
        NotFoundError when the tenant has no such interaction."""
        segments = {"interaction_guid": _guid(interaction_guid)}
        missing = f"no chat transcript for interaction {interaction_guid!r} in this tenant"
        return await lookup(self._pipeline, TRANSCRIPT, segments, missing, format=format, **call)

    async def delete_transcript(self, interaction_guid: str, **call: Unpack[CallOptions]) -> None:
        """Remove every message of a transcript (the interaction stays, with a dummy
        message). NotFoundError when the interaction does not exist (the document's 204)."""
        segments = {"interaction_guid": _guid(interaction_guid)}
        options = CLEAR_TRANSCRIPT.request(segments=segments, **call)
        missing = f"no chat transcript for interaction {interaction_guid!r} in this tenant"
        with documented_statuses(
            not_found=missing, bad_request="the recordings API refused the request's syntax"
        ):
            response = await self._pipeline.request(options)
        if response.status_code == httpx.codes.NO_CONTENT:  # "the interaction does not exist"
            raise NotFoundError(
                f"{missing} (already deleted, or never there)",
                status_code=response.status_code,
                method="DELETE",
                url=redact_url(response.request.url),
            )

    async def delete_file(self, filename: str | RecordingFile, **call: Unpack[CallOptions]) -> None:
        """Delete one call recording file, named as listed (`S20071220/R….wav`; the `.wav`
        may be left out) or given as the `RecordingFile`. NotFoundError if there is none."""
        options = DELETE_FILE.request(segments={"filename": _file_name(filename)}, **call)
        with documented_statuses(
            not_found=f"no recording file {filename!r} in this tenant (already deleted?)",
            bad_request="the recordings API refused the file name",
        ):
            await self._pipeline.request(options)

    # --- the engine --------------------------------------------------------------------

    @staticmethod
    def _params(
        dates: DateInput,
        tz: str | None,
        metadata_field_name: str | None,
        metadata_field_value: str | None,
    ) -> dict[str, str]:
        params = date_params(dates, tz)
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
    def _filters(model: type[Any], filters: Mapping[str, object] | None) -> dict[str, str]:
        check_filters(filters)
        allowed = _filter_fields(model)
        params: dict[str, str] = {}
        for key, value in (filters or {}).items():
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise InvalidArgumentError(
                    f"unknown filter {key}= for {model.__name__} listings; filter by a field "
                    f"it shows ({known}), or use dates=, start_date=, finish_date=, "
                    "metadata_field_name=, metadata_field_value="
                )
            params[allowed[key]] = _filter_value(key, value)
        return params
