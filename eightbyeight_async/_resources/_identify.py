"""Shared by the operational APIs: one identifier among several, and mapping a documented
400/404 to an error that says what was not found or not accepted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .._errors import APIStatusError, BadRequestError, InvalidArgumentError, NotFoundError
from .._validate import exactly_one_of


def one_identifier(**choices: str | None) -> tuple[str, str]:
    """The one identifier given among `choices` (e.g. call_id= or guid=), as (name, value)."""
    name, value = exactly_one_of(**choices)
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(f"{name} must be a non-empty string; got {value!r}")
    return name, value


def _restated(error: APIStatusError, message: str) -> APIStatusError:
    return type(error)(
        message,
        status_code=error.status_code,
        method=error.method or "",
        url=error.url or "",
        body=error.body_excerpt,
        headers=error.headers,
    )


@contextmanager
def documented_statuses(*, not_found: str, bad_request: str) -> Iterator[None]:
    """Re-raise a 404 or 400 with the document's meaning for this API."""
    try:
        yield
    except NotFoundError as exc:
        raise _restated(exc, not_found) from exc
    except BadRequestError as exc:
        raise _restated(exc, bad_request) from exc
