"""A part of a record is judged only where it is written: the default schema writes stock per
warehouse, so an item whose location lacks its id is refused there, naming the part."""

from __future__ import annotations

from tds.entities.mapping import map_record
from tests.e2e.conftest import Stack

ITEM = {
    "item_id": "460000000099001",
    "name": "Lamp",
    "last_modified_time": "2026-12-04T10:00:00+0300",
    "locations": [{"location_name": "Main", "location_stock_on_hand": 3}],
}


def test_a_part_that_cannot_be_mapped_is_set_aside_not_fatal() -> None:
    """Mapping keeps the header and says which part it could not map, and why."""
    record = map_record("item", ITEM)
    assert record.row["name"] == "Lamp"
    assert "stock_levels" not in record.children
    assert record.unmapped == {"stock_levels": "a stock entry of item 460000000099001 has no location_id"}


async def test_the_default_schema_refuses_an_item_whose_written_part_is_bad(stack: Stack) -> None:
    """The default profile writes stock_levels: the item is dead-lettered at once, the part named."""
    answer = await stack.post("item", {"item": ITEM})
    assert answer.status_code == 202
    await stack.drain()
    letters = await stack.rows("SELECT attempts, error, verdict FROM tds.tds_dead_letter_queue")
    assert letters == [
        {
            "attempts": 1,
            "error": "PermanentHandlerError: cannot map item 460000000099001: its stock_levels: "
            "a stock entry of item 460000000099001 has no location_id",
            "verdict": "permanent",
        }
    ]
