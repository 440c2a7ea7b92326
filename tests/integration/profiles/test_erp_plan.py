"""`tds erp plan`: the rows a payload would write, with foreign keys resolved, and nothing written."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tds.cli import app
from tests import zoho_samples as z
from tests.integration.profiles.conftest import EXAMPLES, StackFactory
from tests.integration.profiles.test_shop_erp import ITEM_2, deliver


async def plan(entity: str, payload: Path) -> tuple[int, str]:
    result = await asyncio.to_thread(CliRunner().invoke, app, ["erp", "plan", entity, str(payload)])
    return result.exit_code, result.output


@pytest.fixture
def shop_env(monkeypatch, db_url: str) -> None:
    monkeypatch.setenv("TDS_DB__URL", db_url)
    monkeypatch.setenv("TDS_ERP__PROFILE", str(EXAMPLES / "shop.yaml"))
    monkeypatch.setenv("TDS_LOG_LEVEL", "ERROR")


async def test_plan_shows_rows_with_parents_resolved(
    profiled_stack: StackFactory, shop_env, tmp_path
) -> None:
    """A sales order's header and lines, customer and product ids looked up, nothing written."""
    shop = await profiled_stack(EXAMPLES / "shop.sql", EXAMPLES / "shop.yaml")
    payload = tmp_path / "so.json"
    payload.write_text(json.dumps({"salesorder": z.detail("salesorder")}))
    code, output = await plan("salesorder", payload)
    assert code == 0, output
    (header,) = [t for t in json.loads(output) if t["table"] == "shop.sales_orders"]
    assert header["rows"] == []
    assert "would retry later" in header["problem"]
    assert "zoho_contact_id = 4600000000300001" in header["problem"]
    await deliver(shop, "contact", z.detail("contact"))
    await deliver(shop, "item", z.detail("item"))
    await deliver(shop, "item", z.detail("item", item_id=ITEM_2))
    code, output = await plan("sales-orders", payload)
    tables = {t["table"]: t for t in json.loads(output)}
    (customer,) = await shop.rows("SELECT id FROM shop.customers")
    (order,) = tables["shop.sales_orders"]["rows"]
    assert (order["order_number"], order["customer_id"], order["status"]) == (
        "SO-00042",
        customer["id"],
        "OPEN",
    )
    assert tables["shop.sales_orders"]["on_insert_only"] == ["branch_id", "created_by"]
    assert [line["line_no"] for line in tables["shop.sales_order_lines"]["rows"]] == [1, 2]
    assert await shop.rows("SELECT 1 FROM shop.sales_orders") == []


async def test_plan_refuses_bad_input(shop_env, tmp_path) -> None:
    """An unknown entity or a file that is not JSON is a clear error, not a traceback."""
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, output = await plan("gadget", bad)
    assert code == 2
    assert "unknown entity 'gadget'" in output
    code, output = await plan("item", bad)
    assert code == 2
    assert "bad.json" in output
