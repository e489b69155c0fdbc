"""The converter that turns decoded wire records into attrs models, in two forms built from
the one rule table in `_convert_hooks`: a cattrs converter, and per model a compiled plain
function (the fast path every call takes).

Its rules do what every 8x8 API needs: wire names (`agent-id`, `agentId`) map to snake_case
fields, "Y"/"N"/"yes"/"no" become booleans, numeric strings become numbers, ISO-8601 strings
and epoch numbers become aware datetimes, "" and empty XML elements become None, and fields
the model does not know are kept in the model's `extra` dict instead of being dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from . import _convert_hooks as rules
from ._convert_compiled import Compiler
from ._convert_hooks import prepared_by, wire_field, wire_metadata, wire_name
from ._errors import DecodeError

__all__ = [
    "prepared_by",
    "structure",
    "structure_many",
    "wire_field",
    "wire_metadata",
    "wire_name",
]

T = TypeVar("T")


def _own_hook(own: Callable[[Any], Any], optional: bool) -> Callable[[Any, Any], Any]:
    if optional:
        return lambda value, _: None if rules.empty(value) else own(value)
    return lambda value, _: own(value)


def _make_converter(*, detailed: bool) -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=detailed, forbid_extra_keys=False)
    for tp, rule in rules.HOOKS.items():
        converter.register_structure_hook(tp, rule.hook)
    converter.register_structure_hook_func(rules.is_enum, rules.to_enum)
    converter.register_structure_hook_factory(rules.is_optional, _optional_hook_factory(converter))
    converter.register_structure_hook_factory(attrs.has, _model_hook_factory(converter))
    return converter


def _optional_hook_factory(converter: cattrs.Converter) -> Callable[[Any], Any]:
    def factory(tp: Any) -> Callable[[Any, Any], Any]:
        inner = rules.optional_inner(tp)
        structure_inner = converter.get_structure_hook(inner)
        return lambda value, _: None if rules.empty(value) else structure_inner(value, inner)

    return factory


def _model_hook_factory(converter: cattrs.Converter) -> Callable[[Any], Any]:
    """Per model: prepare the record, rename wire keys to fields, gather unknown keys."""

    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        fields, hints, keep_extra = rules.model_fields(cls)
        overrides = {rules.EXTRA_FIELD: override(omit=True)} if keep_extra else {}
        for f in fields:
            own = rules.field_hook(f)
            reader = None if own is None else _own_hook(own, rules.is_optional(hints[f.name]))
            overrides[f.name] = override(rename=wire_name(f), struct_hook=reader)
        base = make_dict_structure_fn(cls, converter, **overrides)  # type: ignore[arg-type]
        known = frozenset(wire_name(f) for f in fields)
        nullable = {  # required `T | None` fields: missing means None
            wire_name(f): None
            for f in fields
            if f.default is attrs.NOTHING and rules.is_optional(hints[f.name])
        }
        prepare = rules.preparer(cls)

        def hook(value: Any, _: Any) -> Any:
            if not isinstance(value, Mapping):
                rules.not_a_record(value)
            record = value if prepare is None else prepare(value)
            filled = {**nullable, **record} if nullable.keys() - record.keys() else record
            instance = base(filled, cls)
            if keep_extra:
                instance.extra.update(rules.record_extra(value, record, known))
            return instance

        return hook

    return factory


_FAST = _make_converter(detailed=False)
_DETAILED = _make_converter(detailed=True)
_COMPILER = Compiler(_FAST)

_BAD_VALUE = (ValueError, TypeError, KeyError, AttributeError, ArithmeticError, OSError)
"""What a value the hooks cannot read raises: out-of-range numbers and dates raise
OverflowError (`timedelta(seconds=1e20)`) or OSError (`datetime.fromtimestamp`)."""


def structure(record: Any, cls: type[T]) -> T:
    """Build a model from one decoded record; a bad value raises DecodeError naming the field."""
    try:
        return _COMPILER.function_for(cls)(record)
    except (*_BAD_VALUE, cattrs.BaseValidationError):
        raise DecodeError(_describe_failure(record, cls)) from None


def structure_many(records: Iterable[Any], cls: type[T]) -> list[T]:
    """Build models from decoded records, in order."""
    function = _COMPILER.function_for(cls)
    try:
        return [function(record) for record in records]
    except (*_BAD_VALUE, cattrs.BaseValidationError):
        return [structure(record, cls) for record in records]  # raises, naming the record


def _describe_failure(record: Any, cls: type[Any]) -> str:
    """Re-run with detailed validation to say which field failed and why."""
    try:
        _DETAILED.structure(record, cls)
    except cattrs.BaseValidationError as exc:
        notes = [
            f"{path}: {type(error).__name__}: {str(error)[:80]}"
            for error, path in _leaf_errors(exc)
        ]
        return f"could not read a {cls.__name__} record ({'; '.join(notes[:5])})"
    except _BAD_VALUE as exc:
        return f"could not read a {cls.__name__} record: {type(exc).__name__}: {str(exc)[:80]}"
    return f"could not read a {cls.__name__} record"


def _leaf_errors(exc: BaseException, path: str = "$") -> list[tuple[BaseException, str]]:
    if not isinstance(exc, cattrs.BaseValidationError):
        return [(exc, path)]
    found: list[tuple[BaseException, str]] = []
    for child in exc.exceptions:
        note = getattr(child, "__notes__", [""])[-1] if getattr(child, "__notes__", None) else ""
        found.extend(_leaf_errors(child, f"{path} {note}".strip()))
    return found
