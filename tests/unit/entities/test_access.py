"""The privileges a profile needs, held against what the role holds: one GRANT per missing one."""

from __future__ import annotations

from tds.entities.profile.access import (
    DELETE,
    INSERT,
    SELECT,
    UPDATE,
    AccessMap,
    DbAccess,
    DbSequence,
    DbTable,
    DbTrigger,
    diagnose_access,
    trigger_notes,
)

ROLE = "tds_core"


def _needs() -> AccessMap:
    found = AccessMap()
    found.add("shop.orders", (SELECT, INSERT, UPDATE), ["number", "total"])
    found.add("shop.orders", (DELETE,))
    found.add("shop.lines", (SELECT, INSERT, DELETE), ["order_id", "id"])
    found.add("shop.branches", (SELECT,))
    return found


def _table(name: str, *held: str, usage: bool = True) -> DbTable:
    return DbTable(name, name.split(".")[0], usage, frozenset(held))


def test_needs_of_one_table_add_up() -> None:
    """Privileges and written columns gathered for one table from several places are merged."""
    orders = _needs().tables["shop.orders"]
    assert orders.privileges == {SELECT, INSERT, UPDATE, DELETE}
    assert orders.written == {"number", "total"}


def test_each_missing_privilege_is_one_grant_and_the_schema_comes_once() -> None:
    """Schema USAGE is one problem per schema; a table's privileges come in SELECT .. DELETE order."""
    db = DbAccess(
        ROLE,
        {
            "shop.orders": _table("shop.orders", SELECT, INSERT, usage=False),
            "shop.lines": _table("shop.lines", SELECT, INSERT, DELETE, usage=False),
            "shop.branches": _table("shop.branches"),
        },
    )
    fixes = [problem.fix for problem in diagnose_access(_needs().tables, db)]
    assert fixes == [
        "GRANT SELECT ON shop.branches TO tds_core;",
        "GRANT USAGE ON SCHEMA shop TO tds_core;",
        "GRANT UPDATE ON shop.orders TO tds_core;",
        "GRANT DELETE ON shop.orders TO tds_core;",
    ]


def test_a_sequence_counts_only_where_an_insert_takes_the_default() -> None:
    """A serial column TDS Core writes itself, or on a table it only reads, needs no sequence USAGE; a
    sequence shared by two columns is granted once."""
    db = DbAccess(
        ROLE,
        {name: _table(name, SELECT, INSERT, UPDATE, DELETE) for name in _needs().tables},
        sequences=[
            DbSequence("shop.orders", "id", "shop.orders_id_seq", usage=False),
            DbSequence("shop.orders", "number", "shop.numbers", usage=False),  # written by TDS Core
            DbSequence("shop.lines", "id", "shop.lines_id_seq", usage=False),  # written by TDS Core
            DbSequence("shop.branches", "id", "shop.branches_id_seq", usage=False),  # only read
            DbSequence("shop.orders", "ref", "shop.orders_id_seq", usage=False),  # the same sequence
        ],
    )
    problems = diagnose_access(_needs().tables, db)
    assert [(p.where, p.fix) for p in problems] == [
        ("shop.orders.id", "GRANT USAGE ON SEQUENCE shop.orders_id_seq TO tds_core;")
    ]


def test_a_table_the_database_lacks_is_left_to_the_table_check() -> None:
    """No privilege problem for a table that does not exist (the check reports it as not found)."""
    assert diagnose_access(_needs().tables, DbAccess(ROLE, {})) == []


def test_triggers_are_noted_when_they_fire_on_what_tds_core_does() -> None:
    """A trigger on a table TDS Core only reads, or on events it never causes there, is not listed."""
    db = DbAccess(
        ROLE,
        {},
        triggers=[
            DbTrigger("shop.orders", "audit", "AFTER", frozenset({UPDATE, DELETE}), True, "shop.audit()"),
            DbTrigger("shop.lines", "touch", "BEFORE", frozenset({UPDATE}), True, "shop.touch()"),
            DbTrigger("shop.branches", "log", "AFTER", frozenset({INSERT}), False, "shop.log()"),
        ],
    )
    assert trigger_notes(_needs().tables, db) == [
        "trigger audit on shop.orders fires on TDS Core's writes"
        " (AFTER UPDATE OR DELETE, for each row: shop.audit())"
    ]
