"""What a backup holds: its manifest, pg_restore's table of contents, and what a restore selects (pure).

Every archive `tds backup` writes records what it holds in a manifest carried in its own gzip header:
TDS Core's schema and the ERP tables (none unless `--with-erp`). A restore reads it to tell TDS Core's
part from the ERP's, checks it against the table of contents pg_restore lists, and restores the
entries of the parts asked for through `pg_restore -L`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MANIFEST_FORMAT = 1
# Object kinds of several words in `pg_restore --list` (longest first); any other kind is one word.
MULTIWORD_KINDS = (
    "MATERIALIZED VIEW DATA",
    "SEQUENCE OWNED BY",
    "MATERIALIZED VIEW",
    "CHECK CONSTRAINT",
    "FOREIGN TABLE",
    "FK CONSTRAINT",
    "INDEX ATTACH",
    "ROW SECURITY",
    "SEQUENCE SET",
    "TABLE ATTACH",
    "DEFAULT ACL",
    "TABLE DATA",
)


@dataclass(frozen=True)
class Manifest:
    """What an archive holds: TDS Core's schema (always) and the ERP tables dumped with it."""

    schema: str
    erp_tables: tuple[str, ...] = ()

    def encode(self) -> bytes:
        """ASCII JSON (no NUL), as a gzip header comment must be."""
        data = {"tds_backup": MANIFEST_FORMAT, "schema": self.schema, "erp_tables": list(self.erp_tables)}
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")

    @classmethod
    def decode(cls, raw: bytes) -> Manifest | None:
        """The manifest in `raw`, or None when it is not one (another program's comment)."""
        try:
            data = json.loads(raw.decode("latin-1"))
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("tds_backup") != MANIFEST_FORMAT:
            return None
        schema, tables = data.get("schema"), data.get("erp_tables")
        if not isinstance(schema, str) or not isinstance(tables, list):
            return None
        return cls(schema, tuple(str(table) for table in tables))


@dataclass(frozen=True)
class TocEntry:
    """One line of `pg_restore --list`: "<id>; <catalog> <oid> <KIND> <schema> <name> <owner>"."""

    line: str
    kind: str
    namespace: str | None  # None for objects outside any schema ("-"): the schema itself, extensions
    tag: str


def parse_toc(text: str) -> list[TocEntry]:
    """The entries of a `pg_restore --list` output (comment lines left out)."""
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        _ids, _, rest = line.partition("; ")
        rest = rest.split(" ", 2)[-1]  # past the catalog id and the object id
        kind = next((k for k in MULTIWORD_KINDS if rest.startswith(k + " ")), rest.split(" ", 1)[0])
        namespace, _, named = rest[len(kind) + 1 :].partition(" ")
        tag = named.rsplit(" ", 1)[0] if " " in named else named  # the owner comes last
        entries.append(TocEntry(line, kind, None if namespace == "-" else namespace, tag))
    return entries


def toc_tables(entries: Iterable[TocEntry]) -> list[str]:
    """The tables (schema.name) of a table of contents, in its order."""
    return [f"{e.namespace}.{e.tag}" for e in entries if e.kind == "TABLE" and e.namespace]


def contents_problem(manifest: Manifest, entries: Sequence[TocEntry]) -> str | None:
    """Why the table of contents disagrees with the manifest, or None when they agree."""
    tables = toc_tables(entries)
    own = [t for t in tables if t.partition(".")[0] == manifest.schema]
    others = sorted(t for t in tables if t.partition(".")[0] != manifest.schema)
    if not own:
        return f"it holds no table of TDS Core's schema {manifest.schema}"
    if others != sorted(manifest.erp_tables):
        found = ", ".join(others) or "none"
        return f"its tables outside {manifest.schema} ({found}) are not those its manifest names"
    return None


def select_entries(
    entries: Iterable[TocEntry], manifest: Manifest, *, tds: bool, erp: bool
) -> list[TocEntry]:
    """The entries a restore of TDS Core's schema (`tds`) and/or the ERP tables (`erp`) loads.

    The schemas themselves are never created or dropped by a restore (entries outside any schema are
    left out): TDS Core's comes from the migrations, and an ERP's belongs to the ERP. Everything the
    archive holds in an ERP table's schema belongs to one of its ERP tables (pg_dump --table).
    """
    erp_schemas = {table.partition(".")[0] for table in manifest.erp_tables}
    wanted = ({manifest.schema} if tds else set()) | (erp_schemas if erp else set())
    return [e for e in entries if e.namespace is not None and e.namespace in wanted]
