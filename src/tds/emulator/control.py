"""The `/__emulator__` control API: seed, mutate, snapshot, faults, limits, tokens, webhooks, log.

It has no authentication: the emulator is a local test tool and must not face a network.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from tds.emulator import control_models as m
from tds.emulator.faults import FaultRule
from tds.emulator.options import DatasetSizes
from tds.emulator.sender import Switch
from tds.emulator.service import Emulator
from tds.emulator.store import Change
from tds.emulator.webhooks import WebhookConfig
from tds.entities import catalog
from tds.errors import NotFound

router = APIRouter(prefix="/__emulator__", tags=["emulator control"])


def _emulator(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


Emu = Annotated[Emulator, Depends(_emulator)]


def _entity(name: str) -> str:
    spec = catalog.lookup(name)
    if spec is None:
        raise NotFound(f"unknown entity {name!r}", entity=name)
    return spec.name


def _summary(changes: list[Change]) -> dict[str, Any]:
    rows = [
        {
            "entity": c.entity,
            "event": c.event,
            "record_id": c.record_id,
            "last_modified_time": c.record.get("last_modified_time", ""),
        }
        for c in changes
    ]
    return {"changes": rows}


@router.get("/state")
async def state(emu: Emu) -> dict[str, Any]:
    return emu.state()


@router.post("/seed")
async def seed(body: m.SeedBody, emu: Emu) -> dict[str, Any]:
    """Regenerates every record from a seed (sizes default to the current ones)."""
    sizes = emu.options.sizes
    counts = {k: v for k, v in (("items", body.items), ("contacts", body.contacts)) if v is not None}
    if body.invoices is not None:
        sizes = DatasetSizes.from_counts(
            items=counts.get("items", sizes.items),
            contacts=counts.get("contacts", sizes.contacts),
            invoices=body.invoices,
        )
    else:
        sizes = replace(sizes, **counts)
    sizes = replace(sizes, **(body.sizes or {}))
    emu.reseed(body.seed, sizes)
    return emu.state()


@router.post("/mutate")
async def mutate(body: m.MutateBody, emu: Emu) -> dict[str, Any]:
    return _summary(await emu.mutator.mutate_random(body.n))


@router.post("/records/{entity}", status_code=201)
async def create_record(entity: str, body: m.FieldsBody, emu: Emu) -> dict[str, Any]:
    return _summary(await emu.mutator.create(_entity(entity), body.fields))


@router.patch("/records/{entity}/{record_id}")
async def edit_record(entity: str, record_id: str, body: m.FieldsBody, emu: Emu) -> dict[str, Any]:
    """Sets the given fields, or makes a realistic random edit when none are given."""
    return _summary(await emu.mutator.edit(_entity(entity), record_id, body.fields))


@router.delete("/records/{entity}/{record_id}")
async def delete_record(entity: str, record_id: str, emu: Emu) -> dict[str, Any]:
    return _summary(await emu.mutator.delete(_entity(entity), record_id))


@router.get("/snapshot")
async def snapshot(emu: Emu, entity: str | None = None) -> dict[str, Any]:
    """Every current record, detail-shaped, by entity (tests compare the ERP against it)."""
    return emu.store.snapshot(_entity(entity) if entity else None)


@router.get("/deliveries")
async def deliveries(emu: Emu, after_id: int = 0) -> dict[str, Any]:
    return {"deliveries": [e.as_dict() for e in emu.webhooks.log if e.delivery_id > after_id]}


@router.delete("/deliveries")
async def clear_deliveries(emu: Emu) -> dict[str, Any]:
    emu.webhooks.log.clear()
    return {"cleared": True}


@router.post("/deliveries/drain")
async def drain(emu: Emu, timeout_s: float = 10.0) -> dict[str, Any]:
    drained = await emu.webhooks.drain(timeout_s)
    return {"drained": drained, "outstanding": emu.webhooks.outstanding}


@router.get("/faults")
async def faults(emu: Emu) -> dict[str, Any]:
    return {"faults": emu.faults.describe(), "injected": emu.faults.injected}


@router.post("/faults", status_code=201)
async def add_fault(body: m.FaultBody, emu: Emu) -> dict[str, Any]:
    emu.faults.add(FaultRule(**body.model_dump()))
    return {"faults": emu.faults.describe()}


@router.delete("/faults")
async def clear_faults(emu: Emu) -> dict[str, Any]:
    emu.faults.clear()
    return {"faults": []}


@router.put("/limits")
async def limits(body: m.LimitsBody, emu: Emu) -> dict[str, Any]:
    """Changes limits, latency and token lifetime; unset fields keep their value."""
    o = emu.options
    for name, value in body.model_dump(exclude={"reset_counters", "send_retry_after"}).items():
        if value is not None:
            setattr(o, name, value)
    if body.send_retry_after is False:
        o.retry_after_s = None
    if body.reset_counters:
        emu.limiter.reset()
    rate: dict[str, Any] = emu.state()["rate"]
    return rate | {"latency_s": o.latency_s, "retry_after_s": o.retry_after_s}


@router.post("/tokens/expire")
async def expire_tokens(emu: Emu) -> dict[str, Any]:
    return {"expired": emu.tokens.expire_all()}


@router.post("/tokens/revoke")
async def revoke_tokens(body: m.RevokeBody, emu: Emu) -> dict[str, Any]:
    emu.tokens.revoked = body.revoked
    return {"revoked": emu.tokens.revoked}


@router.post("/clock/advance")
async def advance_clock(body: m.AdvanceBody, emu: Emu) -> dict[str, Any]:
    emu.clock.advance(body.seconds)
    return {"now": emu.clock.local().isoformat()}


@router.post("/webhooks", status_code=201)
async def register_webhook(body: m.WebhookBody, emu: Emu) -> dict[str, Any]:
    """Saves a webhook and answers with the result of its empty check call."""
    hook, check = await emu.webhooks.register(WebhookConfig(**body.model_dump()))
    return {"webhook_id": hook.webhook_id, "check": check.as_dict()}


@router.get("/webhooks")
async def list_webhooks(emu: Emu) -> dict[str, Any]:
    """Registered webhooks; like Books, header values and the secret are not echoed."""
    rows = []
    for hook in emu.webhooks.hooks.values():
        c = hook.config
        rows.append(
            {
                "webhook_id": hook.webhook_id,
                "url": c.url.split("?", 1)[0],
                "entities": c.entities,
                "events": c.events,
                "method": c.method,
                "body": c.body,
                "deleted_as": c.deleted_as,
                "signed": c.secret is not None,
                "headers": sorted(c.headers),
                "query_params": sorted(c.query_params),
            }
        )
    return {"webhooks": rows}


@router.delete("/webhooks/{webhook_id}")
async def delete_webhook(webhook_id: str, emu: Emu) -> dict[str, Any]:
    if not emu.webhooks.unregister(webhook_id):
        raise NotFound(f"no webhook {webhook_id}", webhook_id=webhook_id)
    return {"deleted": webhook_id}


@router.put("/webhooks/switches")
async def switches(body: m.SwitchesBody, emu: Emu) -> dict[str, Any]:
    """Drop, duplicate, delay and reorder switches; retry intervals, timeout and daily quota."""
    s = emu.webhooks.switches
    for name in ("drop", "duplicate", "delay"):
        chosen = getattr(body, name)
        if chosen is not None:
            setattr(s, name, Switch(chosen.next, chosen.probability))
    for name in ("delay_s", "reorder_window", "reorder_wait_s"):
        if getattr(body, name) is not None:
            setattr(s, name, getattr(body, name))
    o = emu.options
    if body.retry_intervals_s is not None:
        o.webhook_retry_intervals_s = list(body.retry_intervals_s)
    if body.retry_time_scale is not None:
        o.webhook_retry_time_scale = body.retry_time_scale
    if body.timeout_s is not None:
        o.webhook_timeout_s = body.timeout_s
    if body.daily_quota is not None:
        o.webhook_daily_quota = body.daily_quota
    return {
        "switches": vars(s) | {"drop": vars(s.drop), "duplicate": vars(s.duplicate), "delay": vars(s.delay)}
    }
