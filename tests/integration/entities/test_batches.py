"""Batch-level guarantees: one statement per step, many records, no commits, the SQL version guard."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from tds.entities.handler import Outcome
from tds.entities.repository import ErpRepository
from tds.errors import PermanentHandlerError
from tests import zoho_samples as z
from tests.integration.entities.conftest import make_event, version_of


def _invoice(n: int, at: str = z.T0, **overrides) -> dict:
    payload = z.detail("invoice", invoice_id=f"9{n:06d}", invoice_number=f"INV-{n:06d}", **overrides)
    payload["last_modified_time"] = at
    return payload


class TestManyRecords:
    async def test_a_batch_of_many_records_is_written_in_a_constant_number_of_statements(
        self, apply, fetch, module_engine
    ):
        """250 invoices, inserted then all updated with new lines: the same few statements each time."""
        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement.split(None, 1)[0])

        def work() -> list[str]:
            done = [s for s in statements if s not in ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")]
            statements.clear()
            return done

        lines = z.detail("invoice")["line_items"][:1]
        event.listen(module_engine.sync_engine, "before_cursor_execute", count)
        try:
            inserted = await apply(*(make_event("invoice", _invoice(n)) for n in range(250)))
            # read headers, upsert headers, insert lines, insert audit
            assert work() == ["SELECT", "INSERT", "INSERT", "INSERT"]
            updated = await apply(
                *(make_event("invoice", _invoice(n, z.T1, line_items=lines)) for n in range(250))
            )
            # read headers, read lines, upsert headers, delete + insert lines, insert audit
            assert work() == ["SELECT", "SELECT", "INSERT", "DELETE", "INSERT", "INSERT"]
        finally:
            event.remove(module_engine.sync_engine, "before_cursor_execute", count)
        assert inserted == [Outcome.INSERTED] * 250
        assert updated == [Outcome.UPDATED] * 250
        assert len(await fetch("invoices")) == 250
        assert len(await fetch("invoice_lines")) == 250

    async def test_the_same_batch_again_is_all_unchanged(self, apply, fetch):
        events = [make_event("invoice", _invoice(n)) for n in range(120)]
        await apply(*events)
        assert await apply(*events) == [Outcome.UNCHANGED] * 120
        assert len(await fetch("tds.tds_audit_trail")) == 120


class TestBatchSemantics:
    async def test_two_events_for_one_record_apply_in_order(self, apply, fetch):
        """The queue should never do it; if it does, the batch applies them one after the other."""
        first = make_event("invoice", _invoice(1, status="draft"))
        second = make_event("invoice", _invoice(1, at=z.T1, status="sent"))
        assert await apply(first, second) == [Outcome.INSERTED, Outcome.UPDATED]
        (row,) = await fetch("invoices")
        assert row["status"] == "sent"

    async def test_handlers_never_commit(self, sessions, handlers, fetch):
        """The caller owns the transaction: rolled back, the handler's writes are gone."""
        async with sessions() as session:
            await session.begin()
            outcome = await handlers["invoice"](session, [version_of("invoice", z.T0)])
            await session.rollback()
        assert outcome == [Outcome.INSERTED]
        assert await fetch("invoices") == []
        assert await fetch("tds.tds_audit_trail") == []

    async def test_an_unmappable_record_fails_the_batch_permanently(self, apply):
        """A record without its id fails the whole batch with a permanent, named error."""
        broken = make_event("invoice", {"invoice_number": "no id"}, entity_id="")
        with pytest.raises(PermanentHandlerError, match="invoice_id"):
            await apply(version_of("invoice", z.T0), broken)


class TestVersionGuard:
    async def test_postgres_refuses_an_older_row_even_if_python_let_it_through(
        self, apply, sessions, handlers
    ):
        """The upsert's WHERE re-checks versions: a row decided on a stale read cannot go back in time."""
        await apply(version_of("invoice", z.T1, status="paid"))
        tables = handlers["invoice"].tables
        async with sessions() as session, session.begin():
            repository = ErpRepository(session, tables)
            (stored,) = (await repository.stored("invoices", ["4600000000400001"])).values()
            older = {k: stored[k] for k in stored}
            older.update(status="draft", source_modified_at=stored["source_modified_at"].replace(year=2020))
            older.update(raw=None, is_deleted=False)
            assert await repository.upsert("invoices", [older]) == set()
            deleted = await repository.mark_deleted(
                "invoices", [{k: v for k, v in older.items() if k not in ("is_deleted", "deleted_at")}]
            )
            assert deleted == {}
            status = await session.scalar(text("SELECT status FROM erp.invoices"))
        assert status == "paid"
