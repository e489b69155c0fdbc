"""The argument checks every API family shares: counts and seconds that are not bools, ids
as URL path segments, digits-only values, "exactly one of" choices. Each raises (or lets the
caller raise) `InvalidArgumentError` with a message that says what to pass instead."""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Mapping
from typing import TypeGuard

from ._errors import InvalidArgumentError

_DIGITS = re.compile(r"[0-9]+")


NOT_A_LIST = (bytes, bytearray, memoryview, Mapping)
"""Iterables refused where a list of names, values or ids is expected: iterating them would
give byte codes or only a mapping's keys."""


MAX_ID_BITS = 128
"""Integers past this are no id or filter value, and past ~4300 digits `str()` refuses them."""


def is_too_large(value: object) -> bool:
    return isinstance(value, int) and value.bit_length() > MAX_ID_BITS


def shown_value(value: object) -> str:
    """`value` for an error message (`repr` of a huge integer raises, too)."""
    if isinstance(value, int) and is_too_large(value):
        return f"an integer of {value.bit_length()} bits"
    return repr(value)


def path_segment(name: str, value: object, *, safe: str = "") -> str:
    """An id as one URL path segment (escaped), refusing empty or non-scalar ids."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (str, int))
        or is_too_large(value)
        or str(value).strip() == ""
    ):
        raise InvalidArgumentError(
            f"{name} must be a non-empty string or integer; got {shown_value(value)}"
        )
    return urllib.parse.quote(str(value), safe=safe)


def exactly_one_of(**choices: object) -> tuple[str, object]:
    """The one argument given (not None) among `choices`, as (name, value)."""
    given = {name: value for name, value in choices.items() if value is not None}
    if len(given) != 1:
        names = " or ".join(f"{name}=" for name in choices)
        raise InvalidArgumentError(f"give exactly one of {names}; got {len(given)}")
    ((name, value),) = given.items()
    return name, value


def is_count(value: object, minimum: int) -> bool:
    """Whether `value` is an int (not a bool) of at least `minimum`."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def describe_value(value: object) -> str:
    """`value` for an error message: a number as itself (unless huge), else its type's name."""
    if isinstance(value, int) and value.bit_length() > 64:
        return "a very large int"
    if value is None or isinstance(value, (int, float)):
        return repr(value)
    return type(value).__name__


def is_seconds(value: object, *, zero_ok: bool = False) -> TypeGuard[float]:
    """Whether `value` is a finite number of seconds > 0 (>= 0 with `zero_ok`) that fits a
    float; bools are not numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        finite = math.isfinite(float(value))
    except OverflowError:  # an int too large for a float
        return False
    return finite and (value > 0 or (zero_ok and value == 0))


def digits(name: str, value: str | int) -> str:
    """A digits-only parameter (ids, phone and channel numbers); an int is written in decimal."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(text, str) and _DIGITS.fullmatch(text):
        return text
    raise InvalidArgumentError(f"{name} must be digits only (e.g. 18006661212); got {value!r}")
