"""Endpoints as data: each API family declares its endpoints once, and one stage reads them.

An `Endpoint` says how to ask (method, path template, formats and whether the path takes a
`.json`/`.xml` suffix, idempotency) and how to read the answer (the envelope around the
records, the model they become). `read_records` is the one decode → unwrap → structure
stage: it runs inside the pipeline's retry loop for the decode and unwrap (a truncated body
is retried like a transport error), then structures once, and every `DecodeError` it raises
names the request's method and URL.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any, Generic, Literal, TypedDict, TypeVar

import attrs
import httpx
from typing_extensions import Unpack

from ._config import ApiFamily
from ._convert import structure_many
from ._errors import DecodeError, InvalidArgumentError, documented_statuses
from ._formats import DocumentFormat, decode_document, unwrap_collection
from ._http import HttpPipeline, RequestOptions
from ._pagination import DeferredRecords
from ._redact import redact_url
from ._retry import RetryPolicy
from ._validate import describe_value, exactly_one_of, is_seconds, path_segment, shown_value

T = TypeVar("T")

Timeout = float | httpx.Timeout | None
"""A per-call timeout: seconds for every phase, an `httpx.Timeout`, or None (the client's)."""


class CallOptions(TypedDict, total=False):
    """What every typed method takes for one call, overriding the client's settings."""

    timeout: Timeout
    """Seconds (every phase) or an `httpx.Timeout`; None: the client's."""
    retry: RetryPolicy | None
    """This call's retry policy (`RetryPolicy.disabled()` to fail fast); None: the client's."""


class ListingOptions(CallOptions, total=False):
    """What every list method takes besides its filters: the wire format and the window."""

    format: DocumentFormat
    """`"json"` (default, fastest) or `"xml"`: identical records."""
    limit: int | None
    """Stop after this many records."""
    prefetch: int | None
    """Pages in flight at once (1 = sequential); None: the default window."""


class DatedListingOptions(ListingOptions, total=False):
    """A listing over a date range: `dates=` as the document's `d` and `tz=` its zone."""

    dates: Any
    """A `DateRange`, a documented string (`"today-7d,today"`), a date/datetime or a pair."""
    tz: str | None
    """An IANA zone name for `dates` (the server's default zone when None)."""


class FilteredListingOptions(DatedListingOptions, total=False):
    """A dated listing that also takes query variables by field name."""

    filters: Mapping[str, object] | None
    """`{"media_type": "T", "queue_id": 102}`: checked against the records' fields."""


@attrs.frozen
class Envelope:
    """Where the records sit in a decoded answer: `{collection: {item: [records]}}`.

    `lone_root` also takes `{item: {...}}` as a one-record collection (an answer the
    vendor's current documentation shows for single-record lookups)."""

    collection: str
    item: str
    lone_root: bool = False

    def unwrap(self, document: Any) -> list[dict[str, Any]]:
        if self.lone_root and isinstance(document, dict) and set(document) == {self.item}:
            document = {self.collection: document}
        return unwrap_collection(document, self.collection, self.item)


@attrs.frozen
class Endpoint(Generic[T]):
    """One documented endpoint of one API family."""

    family: ApiFamily
    path: str
    """The path template, `{name}` fields filled with escaped path segments."""
    model: type[T]
    envelope: Envelope
    method: Literal["GET", "POST", "PUT", "DELETE"] = "GET"
    formats: tuple[DocumentFormat, ...] = ("json", "xml")
    suffix: bool = True
    """The format is the path's suffix (`/agents.json`); False: asked for by `Accept`."""
    offset_paged: bool = False
    """Takes the `n` offset of 50-record pages; False: one answer is the whole listing."""
    idempotent: bool | None = None
    """None: by the method (GET, PUT, DELETE are)."""
    not_found: str | None = None
    bad_request: str | None = None
    """What the document says a 404 / 400 of this endpoint means (the error's message)."""

    def check_format(self, fmt: str) -> DocumentFormat:
        """`fmt` as one of the endpoint's formats, else InvalidArgumentError."""
        for allowed in self.formats:
            if fmt == allowed:
                return allowed
        choices = " or ".join(repr(f) for f in self.formats)
        raise InvalidArgumentError(f"format must be {choices}; got {shown_value(fmt)}")

    def request(
        self,
        fmt: str,
        *,
        segments: Mapping[str, object] | None = None,
        params: Mapping[str, str] | None = None,
        **call: Unpack[CallOptions],
    ) -> RequestOptions:
        """The request for this endpoint: ids escaped into the path, the format applied."""
        path = fill(self.path, segments)
        headers = None
        if self.suffix:
            path = f"{path}.{fmt}"
        elif fmt != "csv":
            headers = {"Accept": f"application/{fmt}"}
        return RequestOptions(
            family=self.family,
            method=self.method,
            path=path,
            params=params,
            headers=headers,
            idempotent=self.idempotent,
            **overrides(call),
        )

    async def records(
        self, pipeline: HttpPipeline, options: RequestOptions, fmt: DocumentFormat
    ) -> list[T]:
        """Send, then decode → unwrap → structure the answer into `model` records."""
        return (await self.page(pipeline, options, fmt)).build()

    async def page(
        self, pipeline: HttpPipeline, options: RequestOptions, fmt: DocumentFormat
    ) -> DeferredRecords[T]:
        """`records`, structured when built: a listing's page waits in its prefetch window as
        the decoded dicts (see `DeferredRecords`)."""

        def unwrap(response: httpx.Response) -> tuple[list[dict[str, Any]], httpx.URL]:
            return self.envelope.unwrap(decode_document(response.content, fmt)), response.url

        with documented_statuses(not_found=self.not_found, bad_request=self.bad_request):
            raw, url = await pipeline.request_parsed(options, unwrap)

        def structure() -> list[T]:
            try:
                return structure_many(raw, self.model)
            except DecodeError as exc:  # deterministic: not retried, but located
                raise DecodeError(str(exc), method=options.method, url=redact_url(url)) from exc

        return DeferredRecords(len(raw), structure)


@attrs.frozen
class Action:
    """One documented endpoint that acts (creates, deletes, routes, controls) instead of
    listing records: how it is sent. The resource reads its answer, which the documents
    describe per endpoint."""

    family: ApiFamily
    method: Literal["GET", "POST", "PUT", "DELETE"]
    path: str
    """The path template, `{name}` fields filled with escaped path segments."""
    idempotent: bool | None = None
    """None: by the method; False for an action a repeat would do twice."""
    headers: Mapping[str, str] | None = None
    follow_redirects: bool = True
    """False hands a redirect back as the answer (the web callback reports through it)."""
    safe: str = ""
    """Characters left unescaped in path segments (an email's `@`)."""

    def request(
        self,
        *,
        segments: Mapping[str, object] | None = None,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        **call: Unpack[CallOptions],
    ) -> RequestOptions:
        """The request: ids escaped into the path, the call's timeout= and retry= checked."""
        return RequestOptions(
            family=self.family,
            method=self.method,
            path=fill(self.path, segments, safe=self.safe),
            params=params,
            data=data,
            json=json,
            headers={**(self.headers or {}), **(headers or {})} or None,
            idempotent=self.idempotent,
            follow_redirects=self.follow_redirects,
            **overrides(call),
        )


def fill(template: str, segments: Mapping[str, object] | None, *, safe: str = "") -> str:
    """`template` with each `{name}` replaced by its segment, checked and escaped."""
    escaped = {
        name: path_segment(name, value, safe=safe) for name, value in (segments or {}).items()
    }
    return template.format(**escaped)


Choice = Mapping[str, Endpoint[T]]
"""One listing under several owners: owner argument (`agent_id`, `group_id`, …) → the
endpoint it selects; the key "" is the endpoint for no owner, if there is one."""


def choose(
    endpoint: Endpoint[T] | Choice[T], owners: Mapping[str, object]
) -> tuple[Endpoint[T], dict[str, object]]:
    """The endpoint and its path segments: `endpoint` itself, or the one of a choice that
    the one owner given picks (InvalidArgumentError unless exactly one is given)."""
    given = {name: value for name, value in owners.items() if value is not None}
    if not isinstance(endpoint, Mapping):
        return endpoint, given
    if not given and "" in endpoint:
        return endpoint[""], {}
    name, value = exactly_one_of(**owners)
    return endpoint[name], {name: value}


def overrides(call: CallOptions) -> dict[str, Any]:
    """A call's `timeout=` and `retry=`, checked, as `RequestOptions` fields. Any other
    keyword is a mistake (a typo, or a filter that belongs in `filters=`), never ignored."""
    unexpected = sorted(set(call) - {"timeout", "retry"})
    if unexpected:
        names = ", ".join(repr(name) for name in unexpected)
        raise InvalidArgumentError(
            f"unexpected keyword argument {names}; per-call options are timeout= and retry="
            " (query variables go in filters=)"
        )
    return {
        "timeout": per_call_timeout(call.get("timeout")),
        "retry": per_call_retry(call.get("retry")),
    }


def per_call_timeout(timeout: Timeout) -> httpx.Timeout | None:
    """A call's `timeout=` as an `httpx.Timeout`; InvalidArgumentError for anything else."""
    if timeout is None or isinstance(timeout, httpx.Timeout):
        return timeout
    if not is_seconds(timeout) or timeout <= 0:
        raise InvalidArgumentError(
            "timeout must be a positive number of seconds, an httpx.Timeout or None; "
            f"got {describe_value(timeout)}"
        )
    return httpx.Timeout(float(timeout))


def per_call_retry(retry: RetryPolicy | None) -> RetryPolicy | None:
    """A call's `retry=`: a `RetryPolicy` (e.g. `RetryPolicy.disabled()`) or None (the client's)."""
    if retry is not None and not isinstance(retry, RetryPolicy):
        raise InvalidArgumentError(
            f"retry must be a RetryPolicy or None; got {describe_value(retry)}"
        )
    return retry


def keyword_options(method: Callable[..., object]) -> frozenset[str]:
    """Every keyword a typed method takes: its named parameters and the keys of the options
    `TypedDict` its `**options` unpacks (what the CLI and the conventions test check)."""
    hints = typing.get_type_hints(method)
    names = set()
    for parameter in inspect.signature(method).parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            for options in typing.get_args(hints[parameter.name]):  # Unpack[SomeOptions]
                names.update(options.__required_keys__ | options.__optional_keys__)
        elif parameter.kind is not inspect.Parameter.VAR_POSITIONAL:
            names.add(parameter.name)
    names.discard("self")
    return frozenset(names)
