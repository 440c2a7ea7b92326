"""Column sources compiled to functions: a mapped record in, one column's value out (pure; no I/O).

A source reads names (a mapped column, `zoho_id`, `zoho.<field>`, `parent.<column>`), takes the
first non-empty value, transforms it, and falls back to a template or a constant. Foreign keys and
look-ups are resolved later, by the writer (they need the database); here they yield the value the
look-up starts from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric
from sqlalchemy.sql.type_api import TypeEngine

from tds.entities.mapping import values as v
from tds.entities.profile.model import Kind, Source, Transform

_NAME = re.compile(r"\{([\w.]+)\}")


@dataclass(frozen=True, slots=True)
class Context:
    """What a source may read: the record's id, its mapped row, the Zoho record, the parent's row."""

    zoho_id: str
    row: Mapping[str, Any]
    payload: Mapping[str, Any]
    parent: Mapping[str, Any] | None = None


def _path(payload: Mapping[str, Any], dotted: str) -> Any:
    value: Any = payload
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def read(ctx: Context, name: str) -> Any:
    """The value of one source name in `ctx` (None when absent)."""
    if name == "zoho_id":
        return ctx.zoho_id
    if name.startswith("zoho."):
        return _path(ctx.payload, name[5:])
    if name.startswith("parent."):
        return (ctx.parent or {}).get(name[7:])
    return ctx.row.get(name)


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any, name: str) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
    return v.money(value, name)


def _integer(value: Any, name: str) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = _number(value, name)
    if number is None:
        return None
    return v.integer(format(number, "f"), name)


def _text(value: Any, name: str) -> str | None:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return v.text(value, name)


def _day(value: Any, name: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else v.day(value, name)


def _moment(value: Any, name: str) -> datetime | None:
    return value if isinstance(value, datetime) else v.timestamp(value, name)


def _case(upper: bool) -> Callable[[Any, str], str | None]:
    def change(value: Any, name: str) -> str | None:
        found = _text(value, name)
        return None if found is None else (found.upper() if upper else found.lower())

    return change


_TRANSFORMS: dict[Transform, Callable[[Any, str], Any]] = {
    "text": _text,
    "number": _number,
    "integer": _integer,
    "date": _day,
    "timestamp": _moment,
    "bool": v.flag,
    "json": lambda value, name: value,
    "upper": _case(True),
    "lower": _case(False),
}


def _template(template: str) -> Callable[[Context], str | None]:
    def fill(ctx: Context) -> str | None:
        parts = {name: read(ctx, name) for name in _NAME.findall(template)}
        if any(_empty(value) for value in parts.values()):
            return None
        return _NAME.sub(lambda m: str(_text(parts[m.group(1)], m.group(1))), template)

    return fill


Compiled = Callable[[Context], Any]


# Bringing a value to a column's kind is that kind's transform (json values pass as they are).
_COERCE: dict[Kind, Callable[[Any, str], Any]] = {
    kind: _TRANSFORMS[kind] for kind in ("text", "number", "integer", "date", "timestamp", "bool")
}


def compile_source(source: Source, kind: Kind | None = None) -> Compiled:
    """The function computing `source`'s value (before any foreign-key or look-up resolution).

    With `kind`, the value is also brought to that kind (a Zoho number read into a text column is
    text), so every row of a batch carries one type per column.
    """
    value = _uncoerced(source)
    coerce = _COERCE.get(kind) if kind is not None and source.ref is None and source.lookup is None else None
    if coerce is None:
        return value
    name = source.from_[0] if source.from_ else "const"

    def coerced(ctx: Context) -> Any:
        found = value(ctx)
        return None if found is None else coerce(found, name)

    return coerced


def _uncoerced(source: Source) -> Compiled:
    names = source.from_
    convert = _TRANSFORMS[source.transform] if source.transform else None
    equals = source.equals.lower() if source.equals is not None else None
    fill = _template(source.template) if source.template is not None else None
    constant = source.const
    table = {str(k).lower(): value for k, value in source.values.items()} if source.values else None

    def value(ctx: Context) -> Any:
        for name in names:
            found = read(ctx, name)
            if not _empty(found):
                if equals is not None:
                    return str(found).strip().lower() == equals
                if table is not None:
                    return table.get(str(found).strip().lower(), constant)
                return convert(found, name) if convert is not None else found
        if fill is not None and (filled := fill(ctx)) is not None:
            return filled
        return constant

    return value


_KINDS_OF_TYPES: tuple[tuple[type[TypeEngine[Any]], Kind], ...] = (
    (Boolean, "bool"),
    (Integer, "integer"),
    (Numeric, "number"),
    (DateTime, "timestamp"),
    (Date, "date"),
)


def kind_of_type(type_: TypeEngine[Any]) -> Kind:
    """The value kind a mapped column of `type_` carries (JSONB is `json`, anything else text)."""
    if type_.__class__.__name__ == "JSONB":
        return "json"
    return next((kind for cls, kind in _KINDS_OF_TYPES if isinstance(type_, cls)), "text")


def const_kind(value: object) -> Kind:
    """The kind of a constant written in the profile."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "integer"
    return "number" if isinstance(value, float) else "text"


def kind_of(source: Source, logical: Mapping[str, TypeEngine[Any]]) -> Kind:
    """The kind of value `source` yields; `logical` types the mapped columns it may read."""
    if source.ref is not None:
        return source.ref.type
    if source.lookup is not None:
        return source.lookup.type
    if source.equals is not None:
        return "bool"
    if source.values:
        return const_kind(next(iter(source.values.values())))
    if source.transform is not None:
        transform = source.transform
        return "text" if transform == "upper" or transform == "lower" else transform
    for name in source.from_:
        base = name.removeprefix("parent.")
        if base in logical:
            return kind_of_type(logical[base])
        if name == "zoho_id" or name.startswith("zoho."):
            return "text"
    return const_kind(source.const) if source.const is not None else "text"
