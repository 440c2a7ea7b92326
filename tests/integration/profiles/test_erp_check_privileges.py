"""`tds erp check` as the least-privileged role a DBA gives TDS Core: each missing privilege is one
problem whose fix is its GRANT; after those GRANTs the check is clean. Triggers on the tables TDS Core
writes are listed as notes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url

from tds.config import ErpMappingSettings
from tds.db.engine import create_engine, create_sessionmaker, transaction
from tds.entities.check import CheckResult, check_erp
from tests.integration.profiles.conftest import EXAMPLES, run_ddl

TRIGGER_DDL = """
CREATE FUNCTION shop.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER products_stamp BEFORE INSERT OR UPDATE ON shop.products
    FOR EACH ROW EXECUTE FUNCTION shop.stamp();
CREATE TRIGGER categories_stamp BEFORE UPDATE ON shop.categories
    FOR EACH ROW EXECUTE FUNCTION shop.stamp();
"""
TRIGGER_NOTE = (
    "note: trigger products_stamp on shop.products fires on TDS Core's writes"
    " (BEFORE INSERT OR UPDATE, for each row: shop.stamp())"
)


class Role:
    """A login role of its own for one test, dropped (with its grants) at the end."""

    def __init__(self, db_url: str) -> None:
        self.name = f"tds_guest_{uuid.uuid4().hex[:10]}"
        self.password = uuid.uuid4().hex
        self.admin_url = db_url
        self.url = make_url(db_url).set(username=self.name, password=self.password)

    async def check(self) -> CheckResult:
        """`tds erp check` of the shop profile, connected as this role."""
        engine = create_engine(self.url.render_as_string(hide_password=False))
        try:
            async with transaction(create_sessionmaker(engine)) as session:
                return await check_erp(session, ErpMappingSettings(profile=EXAMPLES / "shop.yaml"))
        finally:
            await engine.dispose()

    async def grant(self, sql: str) -> None:
        await run_ddl(self.admin_url, sql.replace("{role}", self.name))


@pytest.fixture
async def role(db_url: str) -> AsyncIterator[Role]:
    """The shop ERP (with a trigger on its products) and a role that may log in, and nothing more."""
    await run_ddl(db_url, (EXAMPLES / "shop.sql").read_text() + TRIGGER_DDL)
    made = Role(db_url)
    await run_ddl(db_url, f"CREATE ROLE {made.name} LOGIN PASSWORD '{made.password}'")
    yield made
    await run_ddl(db_url, f"DROP OWNED BY {made.name}; DROP ROLE {made.name}")


async def test_each_missing_privilege_is_one_problem_with_its_grant(role: Role) -> None:
    """Granted all but four privileges, the role is told exactly those four, each with its GRANT;
    running them makes the check clean."""
    await role.grant(
        "GRANT USAGE ON SCHEMA shop TO {role};"
        " GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA shop TO {role};"
        " GRANT USAGE ON ALL SEQUENCES IN SCHEMA shop TO {role};"
        " REVOKE UPDATE ON shop.products FROM {role}; REVOKE DELETE ON shop.sales_order_lines FROM {role};"
        " REVOKE SELECT ON shop.categories FROM {role};"
        " REVOKE USAGE ON SEQUENCE shop.customers_id_seq FROM {role};"
    )
    result = await role.check()
    expected = [
        (
            "shop.categories",
            "no SELECT privilege (TDS Core reads its rows)",
            "GRANT SELECT ON shop.categories",
        ),
        (
            "shop.products",
            "no UPDATE privilege (TDS Core updates rows)",
            "GRANT UPDATE ON shop.products",
        ),
        (
            "shop.sales_order_lines",
            "no DELETE privilege (TDS Core deletes rows)",
            "GRANT DELETE ON shop.sales_order_lines",
        ),
        (
            "shop.customers.id",
            "no USAGE on the sequence shop.customers_id_seq (TDS Core's inserts take the default)",
            "GRANT USAGE ON SEQUENCE shop.customers_id_seq",
        ),
    ]
    assert [(p.where, p.message, p.fix) for p in result.problems] == [
        (where, message, f"{grant} TO {role.name};") for where, message, grant in expected
    ], result.text
    assert "4 problem(s)" in result.text
    assert f"fix: GRANT UPDATE ON shop.products TO {role.name};" in result.text
    assert TRIGGER_NOTE in result.text
    assert "categories_stamp" not in result.text  # TDS Core only reads shop.categories

    await role.grant(" ".join(problem.fix for problem in result.problems))
    clean = await role.check()
    assert clean.ok, clean.text
    assert clean.text.splitlines() == [f"ERP profile {EXAMPLES / 'shop.yaml'}: OK", f"  {TRIGGER_NOTE}"]


async def test_a_role_with_no_privilege_is_told_every_grant_and_nothing_else(role: Role) -> None:
    """A role with no privilege at all still sees the tables (the catalogue is public): every problem
    is a missing privilege, schema USAGE first, and the GRANTs it prints are all the role needs."""
    result = await role.check()
    assert not result.ok
    fixes = [problem.fix for problem in result.problems]
    assert all(fix.startswith("GRANT ") and fix.endswith(f" TO {role.name};") for fix in fixes), result.text
    assert fixes[0] == f"GRANT USAGE ON SCHEMA shop TO {role.name};"
    assert f"GRANT DELETE ON shop.sales_orders TO {role.name};" in fixes  # on_delete: delete
    assert f"GRANT DELETE ON shop.products TO {role.name};" not in fixes  # on_delete: set
    assert f"GRANT INSERT ON shop.categories TO {role.name};" not in fixes  # only looked up
    assert f"GRANT USAGE ON SEQUENCE shop.sales_order_lines_id_seq TO {role.name};" in fixes
    assert f"GRANT USAGE ON SEQUENCE shop.categories_id_seq TO {role.name};" not in fixes

    await role.grant(" ".join(fixes))
    clean = await role.check()
    assert clean.ok, clean.text
