"""Pure mapping of Zoho Books records to logical ERP rows (tables.py names); no I/O of any kind.

`map_record(entity, payload)` is the one entry point: it picks the entity's mapper and names the
entity and record in any PermanentHandlerError. `content_hash` fingerprints the mapped rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tds.entities import catalog
from tds.entities.mapping.contacts import CONTACT_TABLES, map_contact
from tds.entities.mapping.documents import map_bill, map_creditnote, map_invoice, map_salesorder
from tds.entities.mapping.items import map_item
from tds.entities.mapping.payments import map_customerpayment, map_vendorpayment
from tds.entities.mapping.pricebooks import map_pricebook
from tds.entities.mapping.record import MappedRecord, Row, content_hash, payload_hash, to_json
from tds.entities.mapping.settings import map_user, map_warehouse
from tds.entities.mapping.stock import map_inventory_adjustment
from tds.errors import PermanentHandlerError

Mapper = Callable[[Mapping[str, Any], str | None], MappedRecord]

MAPPERS: dict[str, Mapper] = {
    "item": map_item,
    "contact": map_contact,
    "invoice": map_invoice,
    "bill": map_bill,
    "creditnote": map_creditnote,
    "salesorder": map_salesorder,
    "customerpayment": map_customerpayment,
    "vendorpayment": map_vendorpayment,
    "pricebook": map_pricebook,
    "inventory_adjustment": map_inventory_adjustment,
    "warehouse": map_warehouse,
    "user": map_user,
}


def map_record(entity: str, payload: Mapping[str, Any], fallback_id: str | None = None) -> MappedRecord:
    """Maps one Zoho record of `entity` (canonical catalog name).

    Args:
        fallback_id: the id to use when the payload has none (a delete that carries only its
            event's entity id); upserts pass None, so a record without its id is refused.

    Raises:
        PermanentHandlerError: the record cannot be mapped (no id, a field of the wrong kind).
    """
    if not isinstance(payload, Mapping):
        raise PermanentHandlerError(f"{entity}: the record is not a JSON object", entity=entity)
    try:
        return MAPPERS[entity](payload, fallback_id)
    except PermanentHandlerError as exc:
        record = payload.get(catalog.get(entity).id_field) or fallback_id or "?"
        raise PermanentHandlerError(
            f"cannot map {entity} {record}: {exc.message}", entity=entity, **exc.context
        ) from exc


__all__ = [
    "CONTACT_TABLES",
    "MAPPERS",
    "MappedRecord",
    "Row",
    "content_hash",
    "map_record",
    "payload_hash",
    "to_json",
]
