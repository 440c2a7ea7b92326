"""Which records a profile writes somewhere: the rule behind `not_in_profile` and reconciliation."""

from __future__ import annotations

from pathlib import Path

from tds.config import ErpMappingSettings
from tds.entities.target import build_target

FOREIGN_PROFILE = Path(__file__).resolve().parents[2] / "foreign_erp" / "profile.yaml"


def test_a_profile_of_customers_only_has_no_target_for_vendors() -> None:
    """Contacts go to customers only: a vendor has no target, a customer has; a record that cannot tell
    its table (a delete by id) counts as written; an entity the profile leaves out has none."""
    target = build_target(ErpMappingSettings(profile=FOREIGN_PROFILE))
    assert target.has_target("contact", "customers")
    assert not target.has_target("contact", "vendors")
    assert target.has_target("contact", None)
    assert target.has_target("item", "products")
    assert not target.has_target("invoice", "invoices")
    assert target.chooses_by_table("contact")
    assert not target.chooses_by_table("item")


def test_the_default_profile_writes_every_record() -> None:
    target = build_target(ErpMappingSettings())
    assert target.has_target("contact", "vendors")
    assert target.has_target("invoice", "invoices")
    assert not target.chooses_by_table("contact")  # sync: columns entities are written whatever the table
