"""Failures in the real ERP write path (retry, dead letter, fix, replay); replays with no second effect."""

from __future__ import annotations

from sqlalchemy import text

from tests.e2e.conftest import Stack

ADMIN = {"X-API-Key": "e2e-admin-key"}
# Makes the ERP refuse one product name, as a broken trigger or constraint in a customer's ERP would.
BREAK_PRODUCTS = """
CREATE FUNCTION erp.refuse_broken() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- a sequence is not rolled back with the failing transaction, so it counts attempts
    IF NEW.name = 'BROKEN' AND nextval('erp.refusals') <= (SELECT n FROM erp.refusal_limit) THEN
        RAISE EXCEPTION 'erp refused product %', NEW.zoho_id;
    END IF;
    RETURN NEW;
END $$;
"""


async def break_products(stack: Stack, failures: int) -> None:
    """The next `failures` writes of a product named BROKEN fail inside the ERP."""
    async with stack.container.engine.begin() as conn:
        await conn.execute(text("CREATE SEQUENCE erp.refusals"))
        await conn.execute(text("CREATE TABLE erp.refusal_limit (n int)"))
        await conn.execute(text("INSERT INTO erp.refusal_limit VALUES (:n)"), {"n": failures})
        await conn.execute(text(BREAK_PRODUCTS))
        await conn.execute(
            text(
                "CREATE TRIGGER refuse_broken BEFORE INSERT OR UPDATE ON erp.products "
                "FOR EACH ROW EXECUTE FUNCTION erp.refuse_broken()"
            )
        )


async def fix_products(stack: Stack) -> None:
    async with stack.container.engine.begin() as conn:
        await conn.execute(text("DROP TRIGGER refuse_broken ON erp.products"))


def broken_item(zoho_records) -> dict[str, object]:
    return {**zoho_records["item"][2], "name": "BROKEN"}


async def test_failing_event_is_dead_lettered_then_replayed_after_a_fix(stack: Stack, zoho_records) -> None:
    """An event the ERP always refuses ends in the DLQ with its error, and applies on replay after a fix."""
    await break_products(stack, failures=1000)
    item = broken_item(zoho_records)
    assert (await stack.post("item", {"item": item})).status_code == 202
    await stack.drain()
    dead = await stack.rows("SELECT id, attempts, error, traceback FROM tds.tds_dead_letter_queue")
    assert len(dead) == 1
    assert dead[0]["attempts"] == stack.pool.settings.max_attempts
    assert "erp refused product" in dead[0]["error"]
    assert "Traceback" in dead[0]["traceback"]
    assert "INSERT INTO" not in dead[0]["error"]  # the message is the database's, not the statement
    assert await stack.rows("SELECT 1 FROM erp.products") == []
    await fix_products(stack)
    replay = await stack.client.post(f"/admin/queue/dead-letters/{dead[0]['id']}/replay", headers=ADMIN)
    assert replay.status_code in (200, 202), replay.text
    await stack.drain()
    rows = await stack.rows("SELECT name FROM erp.products WHERE zoho_id = :id", id=str(item["item_id"]))
    assert rows == [{"name": "BROKEN"}]
    resolved = await stack.rows("SELECT resolved_at FROM tds.tds_dead_letter_queue")
    assert resolved[0]["resolved_at"] is not None


async def test_transient_failure_succeeds_on_retry(stack: Stack, zoho_records) -> None:
    """The ERP refuses the batch and the event's own transaction; the scheduled retry applies it once."""
    await break_products(stack, failures=2)
    item = broken_item(zoho_records)
    await stack.post("item", {"item": item})
    await stack.drain()
    jobs = await stack.rows("SELECT status, attempts FROM tds.tds_sync_queue")
    assert jobs == [{"status": "succeeded", "attempts": 2}]
    assert await stack.rows("SELECT 1 FROM tds.tds_dead_letter_queue") == []
    assert len(await stack.rows("SELECT 1 FROM tds.tds_audit_trail")) == 1


async def test_replaying_an_applied_event_has_no_second_effect(stack: Stack, zoho_records) -> None:
    """Replaying an event already applied runs it again but writes nothing: one ERP row, one audit row."""
    record = zoho_records["invoice"][1]
    event_id = (await stack.post("invoice", {"invoice": record})).json()["event_id"]
    await stack.drain()
    before = await stack.rows("SELECT * FROM erp.invoices")
    replay = await stack.client.post(f"/admin/queue/events/{event_id}/replay", headers=ADMIN)
    assert replay.status_code in (200, 202), replay.text
    assert await stack.drain() == 1
    assert await stack.rows("SELECT * FROM erp.invoices") == before
    assert len(await stack.rows("SELECT 1 FROM tds.tds_audit_trail")) == 1
    outcomes = [r["outcome"] for r in await stack.rows("SELECT outcome FROM tds.tds_sync_logs ORDER BY id")]
    assert outcomes == ["inserted", "unchanged"]


async def test_replaying_an_old_event_after_a_newer_one_changes_nothing(stack: Stack, zoho_records) -> None:
    """A replay of version 1 after version 2 was applied is skipped as stale."""
    item = zoho_records["item"][3]
    newer = {**item, "name": "أحدث", "last_modified_time": "2099-01-01T00:00:00+0300"}
    old_id = (await stack.post("item", {"item": item})).json()["event_id"]
    await stack.drain()
    await stack.post("item", {"item": newer})
    await stack.drain()
    await stack.client.post(f"/admin/queue/events/{old_id}/replay", headers=ADMIN)
    await stack.drain()
    rows = await stack.rows("SELECT name FROM erp.products WHERE zoho_id = :id", id=str(item["item_id"]))
    assert rows == [{"name": "أحدث"}]
    assert len(await stack.rows("SELECT 1 FROM tds.tds_audit_trail")) == 2
