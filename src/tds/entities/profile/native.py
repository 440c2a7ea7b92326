"""`sync: columns` entities: tables that carry TDS Core's own sync columns (the default `erp.*` schema).

Such a target must map every column of its logical table (tables.py) by a plain rename, so it
compiles to the same table/column renames `TDS_ERP__TABLES` / `TDS_ERP__COLUMNS` express, and the
handlers write it with the set-based statements of repository.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from tds.config import ErpMappingSettings
from tds.entities.naming import LOGICAL_TABLES
from tds.entities.profile.model import Profile, Source
from tds.errors import ConfigurationError

_FILLED_BY_DATABASE = frozenset({"id", "synced_at"})


def _logical_column(where: str, column: str, source: Source) -> str:
    plain = len(source.from_) == 1 and source.transform is None and source.ref is None
    if not plain or source.template is not None or source.const is not None or source.equals is not None:
        raise ConfigurationError(
            f"{where}.{column}: a `sync: columns` table maps each column from one mapped column, "
            "without transforms (use `sync: tds` for an ERP's own tables)",
            setting="erp.profile",
        )
    return source.from_[0]


def _renames(
    where: str, logical: str, physical: str, columns: Mapping[str, Source], out: ErpMappingSettings
) -> None:
    if logical not in LOGICAL_TABLES:
        raise ConfigurationError(f"{where}: unknown logical table {logical!r}", setting="erp.profile")
    mapped: dict[str, str] = {}
    for column, source in columns.items():
        mapped[_logical_column(where, column, source)] = column
    needed = {c.name for c in LOGICAL_TABLES[logical].columns} - _FILLED_BY_DATABASE
    missing = sorted(needed - mapped.keys())
    if missing:
        raise ConfigurationError(
            f"{where}: a `sync: columns` table must map every column of {logical}; missing {missing}",
            setting="erp.profile",
        )
    if physical != f"{out.schema_name}.{logical}":
        out.tables[logical] = physical
    for logical_column, column in mapped.items():
        if column != logical_column:
            out.columns[f"{logical}.{logical_column}"] = column


def native_names(
    profile: Profile, default_tables: Mapping[str, str], remaps: ErpMappingSettings
) -> ErpMappingSettings:
    """The table/column renames the profile's `sync: columns` entities amount to.

    `default_tables` gives each entity's logical table when a target has no `when`. The
    `erp.tables`/`erp.columns` settings still apply on top of the packaged default profile; beside
    a profile file of one's own they are refused (write the names into the profile instead).
    """
    if remaps.profile is not None and (remaps.tables or remaps.columns):
        raise ConfigurationError(
            "TDS_ERP__TABLES / TDS_ERP__COLUMNS rename the default profile only; with "
            f"TDS_ERP__PROFILE={remaps.profile} write the names into that profile instead",
            setting="erp.profile",
        )
    out = ErpMappingSettings(schema_name=profile.schema_)
    for entity, spec in profile.entities.items():
        if spec.sync != "columns":
            continue
        for target in spec.targets:
            logical = target.when or default_tables[entity]
            where = f"entities.{entity}.{target.table}"
            _renames(where, logical, profile.qualified(target.table), target.columns, out)
            for child in target.children:
                physical = profile.qualified(child.table)
                _renames(f"{where}.{child.table}", child.of, physical, child.columns, out)
    out.tables.update(remaps.tables)
    out.columns.update(remaps.columns)
    return out
