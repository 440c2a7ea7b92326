"""The `/__emulator__` control API: seeding, changes over time, snapshots and state."""

from __future__ import annotations

import asyncio

import httpx
from typer.testing import CliRunner

from tds.cli import app as cli_app
from tds.emulator.options import EmulatorOptions
from tds.emulator.service import Emulator
from tds.emulator.store import Change
from tds.entities import catalog
from tests.integration.emulator.conftest import SIZES, Books


async def test_seed_regenerates_a_deterministic_organisation(client: httpx.AsyncClient) -> None:
    """Seeding twice with one seed gives the same snapshot; another seed does not."""
    body = {"seed": 21, "items": 30, "contacts": 10, "invoices": 12}
    state = (await client.post("/__emulator__/seed", json=body)).json()
    assert state["records"]["item"] == 30
    assert state["records"]["invoice"] == 12
    first = (await client.get("/__emulator__/snapshot")).json()
    await client.post("/__emulator__/seed", json=body)
    assert (await client.get("/__emulator__/snapshot")).json() == first
    await client.post("/__emulator__/seed", json=body | {"seed": 22})
    assert (await client.get("/__emulator__/snapshot")).json() != first


async def test_snapshot_matches_what_the_api_serves(books: Books, client: httpx.AsyncClient) -> None:
    """The snapshot holds the same detail records that GET /<entity>/{id} answers."""
    snapshot = (await client.get("/__emulator__/snapshot", params={"entity": "salesorders"})).json()
    orders = snapshot["salesorder"]
    assert list(snapshot) == ["salesorder"]
    for order in orders[:3]:
        detail = (await books.get(f"/salesorders/{order['salesorder_id']}")).json()["salesorder"]
        assert detail == order


async def test_mutate_reports_changes_that_the_api_then_shows(
    books: Books, client: httpx.AsyncClient
) -> None:
    """Random changes are listed; deleted ones answer 1002, the others are served as changed."""
    changes = (await client.post("/__emulator__/mutate", json={"n": 30})).json()["changes"]
    assert len(changes) >= 30
    last = {(c["entity"], c["record_id"]): c for c in changes}
    for (entity, record_id), change in list(last.items())[:12]:
        spec = catalog.get(entity)
        reply = await books.get(spec.detail_path(record_id))
        if change["event"] == "deleted":
            assert (reply.status_code, reply.json()["code"]) == (404, 1002)
        else:
            record = reply.json()[spec.detail_key]
            assert record.get("last_modified_time", "") == change["last_modified_time"]


async def test_records_can_be_created_edited_and_deleted_by_hand(
    books: Books, client: httpx.AsyncClient
) -> None:
    """Explicit control calls drive one record through its life."""
    created = (
        await client.post("/__emulator__/records/items", json={"fields": {"name": "صنف تجريبي"}})
    ).json()
    item_id = created["changes"][0]["record_id"]
    assert (await books.get(f"/items/{item_id}")).json()["item"]["name"] == "صنف تجريبي"
    edited = await client.patch(f"/__emulator__/records/item/{item_id}", json={"fields": {"rate": 1.5}})
    assert edited.json()["changes"][0]["event"] == "edited"
    assert (await books.get(f"/items/{item_id}")).json()["item"]["rate"] == 1.5
    await client.delete(f"/__emulator__/records/item/{item_id}")
    assert (await books.get(f"/items/{item_id}")).status_code == 404


async def test_unknown_entities_and_records_are_404(client: httpx.AsyncClient) -> None:
    """Control calls name entities by catalog name or alias; others are refused."""
    assert (await client.post("/__emulator__/records/widgets", json={})).status_code == 404
    assert (await client.delete("/__emulator__/records/invoice/1")).status_code == 404


async def test_state_counts_calls_per_route(
    books: Books, client: httpx.AsyncClient, emulator: Emulator
) -> None:
    """Benchmarks read how many list and detail calls a sync made."""
    row = (await books.get("/items", per_page=1)).json()["items"][0]
    await books.get(f"/items/{row['item_id']}")
    calls = (await client.get("/__emulator__/state")).json()["calls"]
    assert calls == {"GET /items": 1, "GET /items/{id}": 1}


def test_cli_refuses_a_secret_books_would_not_accept() -> None:
    """`tds emulator` checks the webhook secret before it starts serving."""
    result = CliRunner().invoke(
        cli_app, ["emulator", "--webhook-url", "http://x/{entity}", "--webhook-secret", "x"]
    )
    assert result.exit_code != 0
    assert "12-50" in result.output


def test_cli_offers_the_documented_options() -> None:
    """--host, --port, --seed, --items, --contacts, --invoices, --rate-limit and the webhook options exist."""
    result = CliRunner().invoke(cli_app, ["emulator", "--help"], terminal_width=200)
    for option in ("--host", "--port", "--seed", "--items", "--contacts", "--invoices", "--rate-limit"):
        assert option in result.output
    assert "--webhook-url" in result.output
    assert "--webhook-secret" in result.output


async def test_background_mutations_run_while_the_emulator_is_started() -> None:
    """With mutate_interval_s set, start() keeps changing records until aclose() stops it."""
    emu = Emulator(EmulatorOptions(seed=4, sizes=SIZES, mutate_interval_s=0.05, mutate_batch=2))
    seen: list[Change] = []
    emu.store.subscribe(seen.append)
    await emu.start()
    await asyncio.sleep(0.3)
    await emu.aclose()
    made = len(seen)
    await asyncio.sleep(0.1)
    assert made >= 4
    assert len(seen) == made
