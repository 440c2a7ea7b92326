"""The earlier integration's URLs end to end: HTTP alias with X-Webhook-Key -> inbox -> worker -> ERP row."""

from __future__ import annotations

import httpx

from tests.e2e.conftest import TOKEN, Stack


async def post_legacy(stack: Stack, name: str, body: dict[str, object]) -> httpx.Response:
    """A delivery as Zoho sends it to the earlier integration: its URL, its key header, no token query."""
    return await stack.client.post(f"/api/tds/webhooks/{name}", json=body, headers={"X-Webhook-Key": TOKEN})


async def test_products_alias_delivery_becomes_the_erp_product(stack: Stack, zoho_records) -> None:
    """`{"entity_id", "data", "event"}` posted to /api/tds/webhooks/products lands in erp.products."""
    record = zoho_records["item"][0]
    body = {"entity_id": record["item_id"], "data": record, "event": "updated"}
    response = await post_legacy(stack, "products", body)
    assert response.status_code == 202, response.text
    assert await stack.drain() == 1
    rows = await stack.rows("SELECT * FROM erp.products WHERE zoho_id = :id", id=str(record["item_id"]))
    assert len(rows) == 1
    assert rows[0]["raw"] == record
    assert rows[0]["is_deleted"] is False


async def test_vendors_alias_delivery_becomes_the_erp_vendor(stack: Stack, zoho_records) -> None:
    """Zoho's `{"contact": {...}}` of a vendor posted to /api/tds/webhooks/vendors lands in erp.vendors."""
    vendor = next(c for c in zoho_records["contact"] if c.get("contact_type") == "vendor")
    response = await post_legacy(stack, "vendors", {"contact": vendor})
    assert response.status_code == 202, response.text
    assert await stack.drain() == 1
    rows = await stack.rows("SELECT raw FROM erp.vendors WHERE zoho_id = :id", id=str(vendor["contact_id"]))
    assert [r["raw"] for r in rows] == [vendor]
