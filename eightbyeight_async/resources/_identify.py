"""Argument checks shared by the operational APIs: digit-only values, one identifier, and mapping
a documented 400/404 to an error that says what was not found or not accepted."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from .._errors import APIStatusError, BadRequestError, InvalidArgumentError, NotFoundError

_DIGITS = re.compile(r"[0-9]+")

NOT_A_LIST = (bytes, bytearray, memoryview, Mapping)
"""Iterables refused where a list of names, values or ids is expected: iterating them would
give byte codes or only a mapping's keys."""


def digits(name: str, value: str | int) -> str:
    """A digits-only parameter (ids, phone and channel numbers); an int is written in decimal."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(text, str) and _DIGITS.fullmatch(text):
        return text
    raise InvalidArgumentError(f"{name} must be digits only (e.g. 18006661212); got {value!r}")


def one_identifier(**choices: str | None) -> tuple[str, str]:
    """The one identifier given among `choices` (e.g. call_id= or guid=), as (name, value)."""
    given = {name: value for name, value in choices.items() if value is not None}
    names = " or ".join(f"{name}=" for name in choices)
    if len(given) != 1:
        raise InvalidArgumentError(f"give exactly one of {names}; got {len(given)}")
    ((name, value),) = given.items()
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
