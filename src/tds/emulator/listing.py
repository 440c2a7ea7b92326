"""List endpoints: filters, sorting and pages with `page_context`, the way Books v3 answers them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from tds.emulator.clock import parse_ts
from tds.emulator.responses import ZohoAnswer, success
from tds.emulator.shapes import LIST_FIELDS, Record, list_row
from tds.entities.catalog import EntitySpec

# Query parameters that steer the listing rather than filter on a field of the same name.
RESERVED = frozenset({"organization_id", "page", "per_page", "sort_column", "sort_order", "filter_by"})
_DATE_BOUNDS = {"date_start": ">=", "date_end": "<=", "date_after": ">", "date_before": "<"}
_REPORT_NAMES = {
    "creditnote": "Credit Notes",
    "salesorder": "Sales Orders",
    "inventory_adjustment": "Adjustments",
}


def list_page(spec: EntitySpec, records: list[Record], query: Mapping[str, str], max_per_page: int) -> Record:
    """One page of list rows under the entity's list key, with its `page_context`."""
    page = _positive_int(query, "page", 1)
    per_page = min(_positive_int(query, "per_page", max_per_page), max_per_page)
    column, order = _sorting(spec, query)
    rows = sort_records(filter_records(spec, records, query), spec, column, order)
    start = (page - 1) * per_page
    chunk = rows[start : start + per_page]
    body = success(spec.list_key, [list_row(spec.name, r) for r in chunk])
    body["page_context"] = {
        "page": page,
        "per_page": per_page,
        "has_more_page": start + per_page < len(rows),
        "report_name": _REPORT_NAMES.get(spec.name, spec.list_key.replace("_", " ").title()),
        "applied_filter": query.get("filter_by", "Status.All"),
        "sort_column": column,
        "sort_order": order,
        "search_criteria": [],
    }
    return body


def _positive_int(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ZohoAnswer.bad_param(name)
    return int(raw)


def filter_records(spec: EntitySpec, records: list[Record], query: Mapping[str, str]) -> list[Record]:
    """Applies `last_modified_time` (where Books honours it), `filter_by`, dates and field filters."""
    fields = LIST_FIELDS[spec.name]
    kept = records
    since = query.get("last_modified_time")
    if since and spec.incremental_filter:
        moment = _instant(since, "last_modified_time")
        floor = moment.timestamp()
        kept = [r for r in kept if instant_of(r["last_modified_time"]) >= floor]
    status = _status_filter(query.get("filter_by", ""))
    if status:
        kept = [r for r in kept if r.get("status") == status]
    for name, op in _DATE_BOUNDS.items():
        if query.get(name) and "date" in fields:
            kept = [r for r in kept if _compare(r.get("date", ""), op, query[name])]
    for name, value in query.items():
        kept = _field_filter(kept, fields, name, value)
    return kept


@lru_cache(maxsize=65_536)
def instant_of(stamp: str) -> float:
    """Seconds since the epoch of a Zoho timestamp (cached: lists sort thousands per page)."""
    return parse_ts(stamp).timestamp()


def _instant(text: str, name: str) -> datetime:
    try:
        return parse_ts(text)
    except ValueError as exc:
        raise ZohoAnswer.bad_param(name) from exc


def _status_filter(filter_by: str) -> str:
    """`Status.PartiallyPaid` -> `partially_paid`; `Status.All` and other groups filter nothing."""
    group, _, value = filter_by.partition(".")
    if group != "Status" or value in ("", "All"):
        return ""
    return "overdue" if value == "OverDue" else re.sub(r"(?<!^)(?=[A-Z])", "_", value).lower()


def _compare(value: str, op: str, bound: str) -> bool:
    if not value:
        return False
    return {">=": value >= bound, "<=": value <= bound, ">": value > bound, "<": value < bound}[op]


def _field_filter(records: list[Record], fields: tuple[str, ...], name: str, value: str) -> list[Record]:
    """`<field>=v`, `<field>_startswith=v`, `<field>_contains=v` on list fields; others are ignored."""
    if name in RESERVED or name in _DATE_BOUNDS:
        return records
    for suffix, test in (("_startswith", str.startswith), ("_contains", str.__contains__)):
        base = name.removesuffix(suffix)
        if base != name and base in fields:
            needle = value.casefold()
            return [r for r in records if test(str(r.get(base, "")).casefold(), needle)]
    if name in fields and name != "last_modified_time":
        return [r for r in records if _text(r.get(name)) == value]
    return records


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _sorting(spec: EntitySpec, query: Mapping[str, str]) -> tuple[str, str]:
    fields = LIST_FIELDS[spec.name]
    default = "created_time" if "created_time" in fields else fields[1]
    column = query.get("sort_column") or default
    if column not in fields:
        column = default
    order = {"a": "A", "ascending": "A", "d": "D", "descending": "D"}.get(query.get("sort_order", "").lower())
    return column, order or ("D" if column.endswith("_time") else "A")


def sort_records(records: list[Record], spec: EntitySpec, column: str, order: str) -> list[Record]:
    """Stable order: by the column (timestamps as instants), then by id, both in `order`."""

    def key(record: Record) -> tuple[Any, ...]:
        value = record.get(column)
        tie = int(record[spec.id_field])
        if value in (None, ""):
            return (0, 0, tie)
        if column.endswith("_time"):
            return (1, instant_of(value), tie)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (1, value, tie)
        return (2, str(value).casefold(), tie)

    return sorted(records, key=key, reverse=order == "D")
