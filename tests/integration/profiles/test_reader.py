"""Reading the ERP rows of a record by (entity, Zoho id), through the default and a foreign profile."""

from __future__ import annotations

from decimal import Decimal

from tds.config import ErpMappingSettings
from tds.db.engine import transaction
from tds.entities.mapping import values as v
from tds.entities.reader import read_erp_record
from tds.entities.target import build_handlers, build_target
from tests import zoho_samples as z
from tests.e2e.conftest import Stack
from tests.integration.entities.conftest import make_event
from tests.integration.profiles.conftest import EXAMPLES, StackFactory
from tests.integration.profiles.test_shop_erp import deliver

ITEM = "4600000000100001"


async def read(stack: Stack, erp: ErpMappingSettings, entity: str, zoho_id: str):
    async with transaction(stack.container.sessions) as session:
        return await read_erp_record(session, build_target(erp), entity, zoho_id)


async def test_reads_both_tables_of_a_fanned_out_item(profiled_stack: StackFactory) -> None:
    """A profiled item reads back as its product row and its price row (keyed by the product's id)."""
    shop = await profiled_stack(EXAMPLES / "shop.sql", EXAMPLES / "shop.yaml")
    await deliver(shop, "item", z.detail("item", last_modified_time=z.T0))
    record = await read(shop, ErpMappingSettings(profile=EXAMPLES / "shop.yaml"), "item", ITEM)
    product, price = record.rows
    assert (product.table, product.row["sku"], product.row["unit_price"]) == (
        "shop.products",
        "OIL-1L",
        Decimal("35.50"),
    )
    assert (price.table, price.row["product_id"]) == ("shop.product_prices", product.row["id"])
    assert record.mapped is not None
    assert record.mapped["rate"] == Decimal("35.5")
    assert (record.version, record.is_deleted) == (v.timestamp(z.T0, "t"), False)
    missing = await read(shop, ErpMappingSettings(profile=EXAMPLES / "shop.yaml"), "item", "404")
    assert not missing.found


async def test_reads_the_default_schema_row(profiled_stack: StackFactory, tmp_path) -> None:
    """With the default profile, the erp.* row of a contact is found in customers or vendors."""
    empty = tmp_path / "empty.sql"
    empty.write_text("SELECT 1;")
    stack = await profiled_stack(empty, EXAMPLES / "shop.yaml")
    async with transaction(stack.container.sessions) as session:
        handler = build_handlers(ErpMappingSettings())["contact"]
        vendor = z.detail("contact", contact_type="vendor")
        await handler(session, [make_event("contact", vendor)])
    record = await read(stack, ErpMappingSettings(), "contact", "4600000000300001")
    (row,) = record.rows
    assert (row.table, row.row["name"]) == ("erp.vendors", "مؤسسة النخيل للتجارة")
    assert record.mapped is not None
