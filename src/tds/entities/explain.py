"""Names the column behind a data error PostgreSQL reports without one ("value too long for type
character varying(20)"): the record's rows are planned again, read-only, and compared with the
columns' declared types. The explanation says the column, its type and the value's length or kind,
never the value itself."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.check_repository import CheckRepository
from tds.entities.handler import EntityEvent
from tds.entities.handlers import map_event
from tds.entities.plan import PlannedTable, plan_profiled
from tds.entities.profiled import ProfiledHandler

TOO_LONG = "22001"
BAD_INPUT = "22P02"
OUT_OF_RANGE = "22003"
EXPLAINED = frozenset({TOO_LONG, BAD_INPUT, OUT_OF_RANGE})
INTEGER_RANGES = {"smallint": 2**15, "integer": 2**31, "bigint": 2**63}


async def explain(session: AsyncSession, handler: object, event: EntityEvent, sqlstate: str) -> str | None:
    """The column a data error of `event` came from, as one sentence; None when it cannot tell."""
    if sqlstate not in EXPLAINED or not isinstance(handler, ProfiledHandler):
        return None
    planned = await plan_profiled(session, handler.plan, map_event(handler.entity, event))
    catalog = CheckRepository(session)
    for table in planned:
        types = await catalog.column_types(table.table)
        for column, value in _values(table):
            declared, max_length = types.get(column, ("", None))
            problem = _problem(sqlstate, declared, max_length, value)
            if problem:
                return f"{table.table}.{column} is {declared}; the record's {column} {problem}"
    return None


def _values(table: PlannedTable) -> Iterable[tuple[str, Any]]:
    for row in table.rows:
        yield from row.items()


def _problem(sqlstate: str, declared: str, max_length: int | None, value: Any) -> str | None:
    if sqlstate == TOO_LONG and isinstance(value, str) and max_length is not None and len(value) > max_length:
        return f"has {len(value)} characters"
    limit = INTEGER_RANGES.get(declared)
    if limit is None:
        return None
    if isinstance(value, str):
        return "is text, not a number" if sqlstate == BAD_INPUT else None
    if isinstance(value, Decimal | float) and value != int(value):
        return "is not a whole number"
    if isinstance(value, int | Decimal | float) and abs(float(value)) >= limit:
        return f"is out of the range of {declared}"
    return None
