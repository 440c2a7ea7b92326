"""An earlier integration's leftovers in public (tables, sequences, an enum, rows) and their fingerprint.

They share names with TDS Core's own tables on purpose: TDS Core must leave them alone, byte for
byte, wherever its own tables live. The fingerprint covers rows (with `xmin`, so even an update that
writes the same values shows), the catalogue definition, owner and privileges of each table and
sequence, each sequence's position, and the enum's labels.
"""

from __future__ import annotations

import asyncpg

TABLES = ("tds_inbox_events", "tds_sync_queue")
SEQUENCES = ("tds_inbox_events_id_seq", "tds_sync_queue_id_seq")
ENUM = "tds_entity_type"

# The leftovers as the earlier integration made them by hand, with the rows it left behind.
LEFTOVERS_SQL = """
CREATE TYPE public.tds_entity_type AS ENUM ('product', 'customer', 'invoice', 'order');
CREATE TABLE public.tds_inbox_events (
    id bigserial PRIMARY KEY,
    source text NOT NULL DEFAULT 'zoho',
    external_id text NOT NULL,
    entity_type public.tds_entity_type NOT NULL,
    payload jsonb NOT NULL,
    status text NOT NULL DEFAULT 'received',
    created_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    CONSTRAINT tds_inbox_events_source_external_id_key UNIQUE (source, external_id)
);
CREATE TABLE public.tds_sync_queue (
    id bigserial PRIMARY KEY,
    entity_type public.tds_entity_type NOT NULL,
    entity_id text NOT NULL,
    operation text NOT NULL,
    payload jsonb,
    status text NOT NULL DEFAULT 'pending',
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tds_sync_queue_status_created_idx ON public.tds_sync_queue (status, created_at);
INSERT INTO public.tds_inbox_events (external_id, entity_type, payload, status, created_at, processed_at)
VALUES
    ('evt-1001', 'product', '{"item": {"item_id": "1001", "name": "قديم"}}', 'processed',
     '2022-11-03 08:15:00+03', '2022-11-03 08:15:02+03'),
    ('evt-1002', 'customer', '{"contact": {"contact_id": "2001"}}', 'processed',
     '2022-11-03 09:00:00+03', '2022-11-03 09:00:01+03'),
    ('evt-1003', 'invoice', '{"invoice": {"invoice_id": "3001", "total": 125000}}', 'failed',
     '2022-11-04 12:30:00+03', NULL),
    ('evt-1004', 'order', '{"salesorder": {"salesorder_id": "4001"}}', 'received',
     '2022-11-05 17:45:00+03', NULL);
INSERT INTO public.tds_sync_queue (entity_type, entity_id, operation, payload, status, attempts, last_error,
                                   created_at)
VALUES
    ('product', '1001', 'upsert', '{"sku": "OLD-1001"}', 'done', 1, NULL, '2022-11-03 08:15:03+03'),
    ('invoice', '3001', 'upsert', '{"total": 125000}', 'failed', 5, 'timeout talking to Zoho',
     '2022-11-04 12:30:05+03'),
    ('order', '4001', 'upsert', NULL, 'pending', 0, NULL, '2022-11-05 17:45:01+03');
"""

# Each leftover table's rows in id order, every row with the transaction that last wrote it.
ROWS_SQL = {
    table: f"SELECT md5(coalesce(string_agg(t.xmin::text || ' ' || t::text, E'\\n' ORDER BY t.id), ''))"
    f" FROM public.{table} t"
    for table in TABLES
}
# Each leftover relation's definition: kind, owner, grants, columns, constraints, indexes, triggers, and
# a sequence's parameters.
DEFINITION_SQL = """
SELECT n.name, CASE WHEN c.oid IS NOT NULL THEN md5(concat_ws(E'\\n',
    c.relkind, c.relowner::regrole::text, c.relacl::text,
    (SELECT string_agg(concat_ws(' ', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                                 pg_get_expr(d.adbin, d.adrelid)), ', ' ORDER BY a.attnum)
     FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
    (SELECT string_agg(conname || ' ' || pg_get_constraintdef(k.oid), ', ' ORDER BY conname)
     FROM pg_constraint k WHERE k.conrelid = c.oid),
    (SELECT string_agg(pg_get_indexdef(i.indexrelid), ', ' ORDER BY i.indexrelid::regclass::text)
     FROM pg_index i WHERE i.indrelid = c.oid),
    (SELECT string_agg(pg_get_triggerdef(g.oid), ', ' ORDER BY g.tgname)
     FROM pg_trigger g WHERE g.tgrelid = c.oid),
    (SELECT concat_ws(' ', q.seqtypid::regtype, q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcycle)
     FROM pg_sequence q WHERE q.seqrelid = c.oid))) END AS digest
FROM unnest(CAST($1 AS text[])) AS n(name)
LEFT JOIN pg_class c ON c.oid = to_regclass('public.' || n.name)
"""
# A sequence's position (an insert rolled back still moves it).
SEQUENCE_SQL = {
    seq: f"SELECT last_value::text || ' ' || is_called::text FROM public.{seq}" for seq in SEQUENCES
}
# The relation of this name, if any (a dropped leftover reads as "missing").
EXISTS_SQL = "SELECT to_regclass($1)"
# The enum's labels in order, its owner and privileges.
ENUM_SQL = """
SELECT md5(concat_ws(E'\\n', t.typowner::regrole::text, t.typacl::text,
    (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)))
FROM pg_type t WHERE t.oid = to_regtype('public.tds_entity_type')
"""


async def install(conn: asyncpg.Connection) -> None:
    """Creates the leftovers and their rows (run as the ERP's owner)."""
    await conn.execute(LEFTOVERS_SQL)


async def fingerprint(conn: asyncpg.Connection) -> dict[str, str]:
    """One digest per part (`<table>.rows`, `<relation>.definition`, `<sequence>.position`, the enum).

    A part that no longer exists reads as "missing" rather than failing, so a comparison names it.
    """
    parts: dict[str, str] = {}
    for name, digest in await conn.fetch(DEFINITION_SQL, [*TABLES, *SEQUENCES]):
        parts[f"{name}.definition"] = digest or "missing"
    for table, sql in ROWS_SQL.items():
        parts[f"{table}.rows"] = await _read_or_missing(conn, sql, f"public.{table}")
    for seq, sql in SEQUENCE_SQL.items():
        parts[f"{seq}.position"] = await _read_or_missing(conn, sql, f"public.{seq}")
    parts[f"{ENUM}.labels"] = await conn.fetchval(ENUM_SQL) or "missing"
    return parts


async def _read_or_missing(conn: asyncpg.Connection, sql: str, relation: str) -> str:
    if await conn.fetchval(EXISTS_SQL, relation) is None:
        return "missing"
    value: str = await conn.fetchval(sql)
    return value
