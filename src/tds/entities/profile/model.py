"""The ERP target profile format: where each entity's records go, as pydantic models (pure; no I/O).

A profile is data (YAML or TOML, see docs/erp-profiles.md). An entity either writes a table that
carries TDS Core's sync columns (`sync: columns`, the default `erp.*` schema: every column a plain
rename of a mapped column) or writes tables of an existing ERP (`sync: tds`: the version, content
hash and last applied row live in `tds_erp_versions`, and columns may transform, fall back, default
on insert, resolve foreign keys and fan out into several tables).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Transform = Literal["text", "number", "integer", "date", "timestamp", "bool", "json", "upper", "lower"]
Kind = Literal["text", "number", "integer", "date", "timestamp", "bool", "json"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _qualified(table: str) -> str:
    if "." not in table:
        raise ValueError(f"write the table as schema.table ({table!r} has no schema)")
    return table


class Reference(_Strict):
    """A foreign key resolved through another table's Zoho key: `column` of the `table` row whose
    `key` equals the source value (order -> customer id by `zoho_contact_id`)."""

    table: str
    key: str
    column: str = "id"
    type: Kind = "integer"

    _schema = field_validator("table")(classmethod(lambda cls, v: _qualified(v)))


class Lookup(_Strict):
    """A default looked up in the ERP: `column` of the first `table` row matching `where`."""

    table: str
    column: str = "id"
    where: dict[str, str | int | bool] = Field(default_factory=dict)
    type: Kind = "integer"

    _schema = field_validator("table")(classmethod(lambda cls, v: _qualified(v)))


class Source(_Strict):
    """How one column's value is made.

    `from` names sources tried in order, the first non-empty wins: a mapped column (`sku`,
    `customer_zoho_id`), `zoho_id` (the record's id), `zoho.<field>` (the Zoho record as sent,
    dotted for nested parts) or, in a child table, `parent.<column>` (the header's mapped column).
    Then `transform` (or `equals`, for a boolean; or `values`, a table from Zoho's value to the
    ERP's, matched case-insensitively) applies; if the value is still empty, `template`
    (`"SKU-{zoho_id}"`, names in braces as in `from`) or `const` is used.
    """

    from_: tuple[str, ...] = Field(default=(), alias="from")
    transform: Transform | None = None
    equals: str | None = None
    values: dict[str, str | int | bool] | None = None
    template: str | None = None
    const: str | int | float | bool | None = None
    ref: Reference | None = None
    lookup: Lookup | None = None

    @field_validator("from_", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _something(self) -> Source:
        if not (self.from_ or self.template is not None or self.const is not None or self.lookup):
            raise ValueError("a column needs `from`, `template`, `const` or `lookup`")
        if self.lookup is not None and (self.from_ or self.ref is not None):
            raise ValueError("`lookup` stands alone (no `from` or `ref` beside it)")
        return self


def _sources(value: object) -> object:
    """`column: name` is short for `column: {from: name}`; a non-string scalar is a constant."""
    if not isinstance(value, dict):
        return {}
    return {
        column: (
            {"from": spec} if isinstance(spec, str) else spec if isinstance(spec, dict) else {"const": spec}
        )
        for column, spec in value.items()
    }


class DeleteRule(_Strict):
    """What a Zoho delete does to the row: keep it (`keep`), delete it, or set columns (`set`)."""

    action: Literal["keep", "delete", "set"] = "keep"
    set: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class ChildTable(_Strict):
    """Child rows of a target (document lines, price-list items), replaced with their parent.

    `of` is the mapped child collection (`invoice_lines`); `parent` is this table's column that
    holds the parent's `parent_key` (a column of the parent target, returned by its upsert).
    """

    table: str
    of: str
    parent: str
    parent_key: str
    columns: dict[str, Source]
    defaults: dict[str, Source] = Field(default_factory=dict)

    _normalise = field_validator("columns", "defaults", mode="before")(
        classmethod(lambda cls, v: _sources(v))
    )


class Target(_Strict):
    """One table an entity writes; an entity may fan out into several (an item and its price row).

    Attributes:
        table: `schema.table` (or `table` in the profile's schema).
        key: the natural key column(s) the upsert conflicts on; unique in the database.
        when: only records mapped to this logical table (`customers` or `vendors` for contacts).
        columns: written on insert and on update.
        defaults: written on insert only (NOT NULL columns Zoho cannot fill).
        owned: columns the ERP owns; TDS never writes them (checked not to be mapped).
        version_column: a column of this table mapped from `source_modified_at`; when set, the
            upsert also refuses to move it backwards (the guard PostgreSQL re-checks under a race).
        on_delete: what a Zoho delete does here.
        children: child tables replaced with this table's rows.
    """

    table: str
    key: tuple[str, ...]
    when: str | None = None
    columns: dict[str, Source]
    defaults: dict[str, Source] = Field(default_factory=dict)
    owned: tuple[str, ...] = ()
    version_column: str | None = None
    on_delete: DeleteRule = Field(default_factory=DeleteRule)
    children: tuple[ChildTable, ...] = ()

    _normalise = field_validator("columns", "defaults", mode="before")(
        classmethod(lambda cls, v: _sources(v))
    )

    @field_validator("key", "owned", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @field_validator("on_delete", mode="before")
    @classmethod
    def _short_delete(cls, value: object) -> object:
        return {"action": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        missing = [k for k in self.key if k not in self.columns]
        if missing:
            raise ValueError(f"key column(s) {missing} of {self.table} must be mapped in `columns`")
        clash = sorted(set(self.owned) & (set(self.columns) | set(self.defaults)))
        if clash:
            raise ValueError(f"ERP-owned column(s) {clash} of {self.table} cannot also be mapped")
        if self.version_column is not None and self.version_column not in self.columns:
            raise ValueError(f"version_column {self.version_column!r} of {self.table} must be mapped")
        return self


class EntityProfile(_Strict):
    """Where one Zoho entity's records go: `sync: columns` (TDS sync columns in the table) or `tds`."""

    sync: Literal["columns", "tds"] = "tds"
    targets: tuple[Target, ...] = Field(min_length=1)


class Profile(_Strict):
    """A whole target profile. Entities not listed are not synced (their events complete unchanged)."""

    version: Literal[1] = 1
    schema_: str = Field(default="erp", alias="schema")
    description: str = ""
    entities: dict[str, EntityProfile]

    def qualified(self, table: str) -> str:
        """`schema.table` for a table written with or without its schema."""
        return table if "." in table else f"{self.schema_}.{table}"


def source_names(source: Source) -> list[str]:
    """Every name a source reads (in `from` and inside template braces)."""
    import re

    names = list(source.from_)
    if source.template is not None:
        names += re.findall(r"\{([\w.]+)\}", source.template)
    return names


ProfileData = dict[str, Any]
