"""pytest fixtures of the foreign ERP: a fresh database the ERP migrated itself, its leftovers and rows.

TDS Core is not migrated there. Use them from a conftest.py:
`from tests.foreign_erp.fixtures import foreign_erp_db, foreign_erp_zoho  # noqa: F401`. Override
`foreign_erp_zoho` to seed the ERP from the records an emulator of the test serves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from tds.db.engine import plain_dsn
from tds.emulator.data import generate
from tds.emulator.options import DatasetSizes
from tests.dbutil import DatabaseServer
from tests.foreign_erp import erp, leftovers, rows
from tests.foreign_erp.role import create_role, drop_role, profile_tables, role_name

PROFILE = Path(__file__).resolve().parent / "profile.yaml"
# The emulator dataset the ERP's rows come from by default (small; an emulator with the same seed and
# sizes serves the same records).
ZOHO_SEED = 7
ZOHO_SIZES = DatasetSizes(
    items=8,
    contacts=8,
    invoices=4,
    bills=2,
    creditnotes=1,
    salesorders=3,
    customerpayments=2,
    vendorpayments=1,
    pricebooks=1,
    inventory_adjustments=1,
    warehouses=2,
    users=2,
)

Records = dict[str, list[rows.Record]]


@dataclass(frozen=True)
class ForeignErp:
    """One foreign ERP database: URLs for its owner and for TDS Core's narrow role, and its helpers."""

    database: str
    admin_url: str  # a superuser (the ERP's owner)
    role_url: str  # the least-privileged role TDS Core should run as
    role: str
    profile: Path  # the profile that maps Zoho into this ERP
    zoho: Records  # the Zoho records the ERP's rows were made from
    seeded: rows.Seeded

    async def fingerprint_leftovers(self) -> dict[str, str]:
        """One digest per part of the earlier integration's leftovers (equal before and after = untouched)."""
        conn = await asyncpg.connect(plain_dsn(self.admin_url))
        try:
            return await leftovers.fingerprint(conn)
        finally:
            await conn.close()

    async def erp_alembic_upgrade(self, revision: str = "head") -> None:
        """Runs the ERP's own `alembic upgrade <revision>` as its owner."""
        await erp.upgrade(self.admin_url, revision)

    async def erp_revision(self) -> str | None:
        """The revision in the ERP's `public.alembic_version`."""
        return await erp.current_revision(self.admin_url)


async def build_foreign_erp(
    server: DatabaseServer, zoho: Records, revision: str = erp.PRE_HEAD, password: str | None = None
) -> ForeignErp:
    """An empty database, migrated by the ERP's Alembic to `revision`, with leftovers, rows and the role."""
    database = await server.create()
    admin_url = server.url_for(database)
    try:
        await erp.upgrade(admin_url, revision)
        seeded = await _fill(admin_url, zoho)
        role_url = await create_role(admin_url, profile_tables(PROFILE), password)
    except BaseException:
        await destroy_foreign_erp(server, database)
        raise
    return ForeignErp(database, admin_url, role_url, role_name(database), PROFILE, zoho, seeded)


async def _fill(admin_url: str, zoho: Records) -> rows.Seeded:
    conn = await asyncpg.connect(plain_dsn(admin_url))
    try:
        async with conn.transaction():
            await leftovers.install(conn)
            return await rows.seed(conn, zoho)
    finally:
        await conn.close()


async def destroy_foreign_erp(server: DatabaseServer, database: str) -> None:
    """Drops the database, then its role."""
    await server.drop(database)
    await drop_role(server.admin_url, role_name(database))


@pytest.fixture
def foreign_erp_zoho() -> Records:
    """The Zoho records the foreign ERP's rows are made from (the emulator's generator, small)."""
    return generate(seed=ZOHO_SEED, sizes=ZOHO_SIZES).records


@pytest.fixture
async def foreign_erp_db(db_server: DatabaseServer, foreign_erp_zoho: Records) -> AsyncIterator[ForeignErp]:
    """A fresh foreign ERP at its revision before head; TDS Core's own tables are not there."""
    built = await build_foreign_erp(db_server, foreign_erp_zoho)
    try:
        yield built
    finally:
        await destroy_foreign_erp(db_server, built.database)
