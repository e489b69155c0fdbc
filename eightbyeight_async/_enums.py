"""Open enums: the documented 8x8 code tables, which keep codes the documents do not list.

An 8x8 server may send a code its document never mentions (a new media type, a tenant's own
disposition code). Failing a whole page for that would lose data, and a bare `str` field would
lose the table. `OpenEnum` keeps both: a documented code gives its member, any other code gives
a *pseudo-member* of the same class whose `value` is the code as received, whose `name` is
`UNKNOWN_<code>` and whose `is_known` is False:

    >>> from eightbyeight_async.types.stats import MediaType
    >>> MediaType("T"), MediaType("Q")
    (<MediaType.TELEPHONE: 'T'>, <MediaType.UNKNOWN_Q: 'Q'>)

Values are the wire strings, and `str()`/`format()` give them, so CSV and log output need no
special case. Lookups are lenient in the ways the wire is: an integer finds its decimal code
(`RecordStatus(3)`), zero-padding is ignored (`"04"`), and a case-insensitive spelling finds a
documented text code (`"Inbound"`). Anything that is not text or an integer is a ValueError,
which the converter reports as a DecodeError naming the field.

cattrs structures an enum by calling `cls(value)`, so these need no hook of their own. (They
are deliberately not `str` subclasses: the converter's `str` hook would then catch them and
return plain strings.) A pseudo-member is cached in the class's own value map, where Enum
looks first, so repeated lookups return the same object; the cache holds at most
`MAX_CACHED_UNKNOWN` codes per class, past which lookups build a fresh pseudo-member. Members
compare and hash by class and value, so even those are equal to each other.
"""

from __future__ import annotations

import enum
import re
from typing import Any

MAX_CACHED_UNKNOWN = 256
"""Unknown codes cached per enum class; bounds memory if a server sends free text."""

_NAME_CHARS = re.compile(r"[^0-9A-Za-z]+")
_NAME_LIMIT = 40


class OpenEnum(enum.Enum):
    """A code table whose values are wire strings; unknown codes become `UNKNOWN_…` members."""

    @property
    def is_known(self) -> bool:
        """True for a documented member, False for a code the table does not list."""
        return type(self)._member_map_.get(self._name_) is self

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, OpenEnum) or type(other) is not type(self):
            return NotImplemented
        return bool(self._value_ == other._value_)

    def __hash__(self) -> int:
        return hash((type(self).__qualname__, self._value_))

    def __str__(self) -> str:
        return str(self._value_)

    def __format__(self, format_spec: str) -> str:
        return format(str(self._value_), format_spec)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        code = _as_code(value)
        if code is None:
            return None
        found = cls._value2member_map_.get(code)
        if isinstance(found, cls):
            return found
        folded = code.casefold()
        for member in cls:
            if member._value_.casefold() == folded:
                return member
        return _pseudo_member(cls, code)


def _as_code(value: object) -> str | None:
    """The code as text: integers in decimal, text stripped, digits without zero-padding."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    code = str(value).strip()
    if code.isascii() and code.isdigit():
        return code.lstrip("0") or "0"
    return code


def _pseudo_member(cls: type[OpenEnum], code: str) -> OpenEnum:
    """A member-like instance for an undocumented code, cached while the cache has room."""
    member = object.__new__(cls)
    readable = _NAME_CHARS.sub("_", code).strip("_").upper()[:_NAME_LIMIT]
    member._name_ = f"UNKNOWN_{readable}" if readable else "UNKNOWN"
    member._value_ = code
    if len(cls._value2member_map_) - len(cls._member_names_) >= MAX_CACHED_UNKNOWN:
        return member
    cached = cls._value2member_map_.setdefault(code, member)
    return cached if isinstance(cached, cls) else member
