"""`tds erp check` against real schemas: the shipped profiles pass; broken ones list every problem."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from tds.cli import app
from tds.config import ErpMappingSettings
from tds.db.engine import create_engine, create_sessionmaker, transaction
from tds.entities.check import CheckResult, check_erp
from tds.runtime import run_process
from tests.integration.profiles.conftest import EXAMPLES, HERE, profiled_settings, run_ddl

BREAKAGES = (
    # a missing column: the profile names one the table does not have
    ("          stock_qty: stock_on_hand\n", "          stock_quantity: stock_on_hand\n"),
    # an unmapped NOT NULL column: created_by has no default and the profile no longer writes it
    (
        "          unit_of_measure: {from: unit, transform: upper, const: PCS}\n          created_by: 1\n",
        "          unit_of_measure: {from: unit, transform: upper, const: PCS}\n",
    ),
)
# a wrong type, and a key that is not unique, made on the database side
BREAKING_DDL = (
    "ALTER TABLE shop.products ALTER COLUMN unit_price TYPE text;"
    " ALTER TABLE shop.suppliers DROP CONSTRAINT suppliers_zoho_contact_id_key;"
)
EXPECTED = (
    ("shop.products.stock_quantity: column not found", "fix: correct the column name"),
    (
        "shop.products.created_by: NOT NULL without a default",
        "fix: map it under `columns`, or give it a value",
    ),
    (
        "shop.products.unit_price: the profile writes number values but the column is text",
        "change the column type",
    ),
    (
        "shop.suppliers (zoho_contact_id): no unique constraint or index",
        "CREATE UNIQUE INDEX ON shop.suppliers",
    ),
)


def broken_profile(tmp_path: Path) -> Path:
    text = (EXAMPLES / "shop.yaml").read_text()
    for old, new in BREAKAGES:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    return path


async def check(db_url: str, **erp: object) -> CheckResult:
    engine = create_engine(db_url)
    try:
        async with transaction(create_sessionmaker(engine)) as session:
            return await check_erp(session, ErpMappingSettings(**erp))  # type: ignore[arg-type]
    finally:
        await engine.dispose()


async def test_default_profile_fits_the_migrated_schema(db_url: str) -> None:
    """The packaged default profile checks clean against the erp.* schema the migrations build."""
    result = await check(db_url)
    assert result.ok, result.text
    assert result.text == "ERP profile default (erp.*): OK"


@pytest.mark.parametrize(
    ("ddl", "profile"),
    [(EXAMPLES / "shop.sql", EXAMPLES / "shop.yaml"), (HERE / "ops.sql", HERE / "ops.toml")],
)
async def test_example_profiles_fit_their_schemas(db_url: str, ddl: Path, profile: Path) -> None:
    """The shipped example profile (YAML) and the ops one (TOML) validate against their DDL-built schemas."""
    await run_ddl(db_url, ddl.read_text())
    result = await check(db_url, profile=profile)
    assert result.ok, result.text


async def test_broken_profile_lists_every_problem_with_its_fix(db_url: str, tmp_path: Path) -> None:
    """Missing column, wrong type, unmapped NOT NULL and non-unique key: all reported in one run."""
    await run_ddl(db_url, (EXAMPLES / "shop.sql").read_text() + BREAKING_DDL)
    result = await check(db_url, profile=broken_profile(tmp_path))
    assert len(result.problems) == 4, result.text
    for message, fix in EXPECTED:
        assert message in result.text
        assert fix in result.text


async def test_service_refuses_to_start_on_a_broken_profile(db_url: str, tmp_path: Path, capsys) -> None:
    """The service runs the same check first and stops with its report, before touching any row."""
    await run_ddl(db_url, (EXAMPLES / "shop.sql").read_text() + BREAKING_DDL)
    settings = profiled_settings(broken_profile(tmp_path))
    settings = settings.model_copy(update={"db": settings.db.model_copy(update={"url": SecretStr(db_url)})})
    assert await run_process(settings, api=True, worker=True) == 1
    err = capsys.readouterr().err
    assert "ERP profile" in err
    assert "4 problem(s)" in err
    for message, _fix in EXPECTED:
        assert message in err


def test_cli_check_prints_the_report_and_fails(db_url: str, tmp_path: Path, monkeypatch) -> None:
    """`tds erp check` prints every problem and exits 1; on a good profile it prints OK and exits 0."""
    asyncio.run(run_ddl(db_url, (EXAMPLES / "shop.sql").read_text() + BREAKING_DDL))
    monkeypatch.setenv("TDS_DB__URL", db_url)
    monkeypatch.setenv("TDS_ERP__PROFILE", str(broken_profile(tmp_path)))
    result = CliRunner().invoke(app, ["erp", "check"])
    assert result.exit_code == 1
    assert "4 problem(s)" in result.output
    assert "shop.suppliers (zoho_contact_id)" in result.output
    monkeypatch.delenv("TDS_ERP__PROFILE")
    result = CliRunner().invoke(app, ["erp", "check"])
    assert result.exit_code == 0
    assert result.output.strip().endswith("ERP profile default (erp.*): OK")


async def test_a_profile_that_does_not_follow_the_format_is_one_clear_problem(
    db_url: str, tmp_path: Path
) -> None:
    """A profile file with a typo'd key or a missing key column is refused before any database check."""
    path = tmp_path / "typo.toml"
    path.write_text(
        'version = 1\n[entities.item]\n[[entities.item.targets]]\ntable = "x.y"\nkey = "id"\ncolums = {}\n'
    )
    result = await check(db_url, profile=path)
    assert not result.ok
    assert "does not follow the profile format" in result.text
    assert "colums" in result.text
