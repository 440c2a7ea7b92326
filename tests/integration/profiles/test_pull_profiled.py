"""A pull run from the emulator lands in an existing ERP's tables through its profile."""

from __future__ import annotations

from tds.config import ErpMappingSettings
from tds.entities.target import build_handlers
from tds.worker.pool import WorkerPool
from tests.integration.profiles.conftest import EXAMPLES, run_ddl
from tests.integration.pull.conftest import PullStack, make_stack  # noqa: F401  (the fixture)

# Parents before children, as an operator's first full sync would run them.
ORDER = ("item", "contact", "user", "pricebook", "salesorder")


async def profiled_pull(make_stack, db_url: str) -> PullStack:  # noqa: F811
    await run_ddl(db_url, (EXAMPLES / "shop.sql").read_text())
    stack = await make_stack()
    handlers = build_handlers(ErpMappingSettings(profile=EXAMPLES / "shop.yaml"))
    container, settings = stack.container, stack.settings
    stack.pool = WorkerPool(container.sessions, container.engine, handlers, settings.worker)
    return stack


async def test_full_pull_fills_the_shop_erp(make_stack, db_url: str) -> None:  # noqa: F811
    """Every pulled item, customer, vendor, user, price book and sales order (with lines) is in the ERP."""
    stack = await profiled_pull(make_stack, db_url)
    for entity in ORDER:
        assert (await stack.pull.service.run(entity, "full")).status == "succeeded"
        await stack.drain()
    assert await stack.rows("SELECT entity, error FROM tds.tds_dead_letter_queue") == []
    zoho_items = stack.zoho_records("item")
    products = await stack.rows("SELECT zoho_item_id, unit_price FROM shop.products")
    assert {p["zoho_item_id"] for p in products} == set(zoho_items)
    assert len(await stack.rows("SELECT 1 FROM shop.product_prices")) == len(zoho_items)
    contacts = stack.zoho_records("contact")
    customers = {r["zoho_contact_id"] for r in await stack.rows("SELECT zoho_contact_id FROM shop.customers")}
    suppliers = {r["zoho_contact_id"] for r in await stack.rows("SELECT zoho_contact_id FROM shop.suppliers")}
    assert customers == {k for k, c in contacts.items() if c["contact_type"] == "customer"}
    assert suppliers == {k for k, c in contacts.items() if c["contact_type"] == "vendor"}
    orders = stack.zoho_records("salesorder")
    rows = await stack.rows("SELECT zoho_salesorder_id FROM shop.sales_orders")
    assert {r["zoho_salesorder_id"] for r in rows} == set(orders)
    lines = await stack.rows("SELECT count(*) AS n FROM shop.sales_order_lines")
    assert lines[0]["n"] == sum(len(o["line_items"]) for o in orders.values())
    assert len(await stack.rows("SELECT 1 FROM shop.staff")) == len(stack.zoho_records("user"))
    books = stack.zoho_records("pricebook")
    assert len(await stack.rows("SELECT 1 FROM shop.price_lists")) == len(books)
    audit = await stack.rows("SELECT count(*) AS n FROM tds.tds_audit_trail WHERE source = 'pull'")
    assert audit[0]["n"] > 0
    # A second full run changes nothing: every record is already there at the same version.
    before = await stack.rows("SELECT count(*) AS n FROM tds.tds_audit_trail")
    for entity in ORDER:
        await stack.pull.service.run(entity, "full")
    await stack.drain()
    assert await stack.rows("SELECT count(*) AS n FROM tds.tds_audit_trail") == before
