"""The failure classifier: what each kind of failure leads to, and that messages carry no record value."""

from __future__ import annotations

import asyncpg
import pytest

from tds.errors import DatabaseBusy, PermanentHandlerError, RetryLater
from tds.worker.classify import Verdict, classify


def pg_error(cls: type[asyncpg.PostgresError], message: str, **fields: str) -> asyncpg.PostgresError:
    error = cls(message)
    for name, value in fields.items():
        setattr(error, name, value)
    return error


def wrapped(error: BaseException) -> Exception:
    """As SQLAlchemy hands it to the worker: a DBAPIError whose `orig` chain ends at asyncpg's error."""
    outer = Exception("(sqlalchemy) wrapped")
    outer.__cause__ = error
    return outer


SKU_TAKEN = pg_error(
    asyncpg.UniqueViolationError,
    'duplicate key value violates unique constraint "products_sku_key"',
    schema_name="public",
    table_name="products",
    constraint_name="products_sku_key",
    detail="Key (sku)=(SECRET-SKU-123) already exists.",
)


class TestVerdicts:
    def test_a_secondary_unique_violation_is_the_records_own_fault(self) -> None:
        """A duplicate SKU: permanent at once, table and constraint named, the value left out."""
        failure = classify(wrapped(SKU_TAKEN), {"public.products": frozenset({"zoho_item_id"})})
        assert failure.verdict is Verdict.PERMANENT
        assert (
            failure.message == "public.products: another row already has the record's sku (products_sku_key)"
        )
        assert "SECRET" not in failure.line
        assert not failure.counts_for_breaker

    def test_a_unique_violation_on_the_writes_own_key_is_a_race(self) -> None:
        """The same violation on the key the row is written under: another writer won; try once more."""
        failure = classify(wrapped(SKU_TAKEN), {"public.products": frozenset({"sku"})})
        assert failure.verdict is Verdict.RACE
        assert not failure.counts_for_breaker

    def test_a_missing_parent_waits(self) -> None:
        """23503 names the column and the parent table, not the key's value."""
        error = pg_error(
            asyncpg.ForeignKeyViolationError,
            "insert or update violates foreign key constraint",
            schema_name="public",
            table_name="sales_orders",
            constraint_name="sales_orders_customer_id_fkey",
            detail='Key (customer_id)=(77) is not present in table "customers".',
        )
        failure = classify(wrapped(error))
        assert failure.verdict is Verdict.WAIT_PARENT
        assert failure.message == (
            "public.sales_orders.customer_id refers to a row of customers that is not there yet "
            "(sales_orders_customer_id_fkey)"
        )
        assert "77" not in failure.message

    def test_not_null_and_too_long_are_permanent(self) -> None:
        not_null = pg_error(
            asyncpg.NotNullViolationError,
            "null value",
            schema_name="public",
            table_name="products",
            column_name="name",
        )
        assert (
            classify(wrapped(not_null)).message
            == "public.products.name is NOT NULL; the record gives it no value"
        )
        too_long = pg_error(
            asyncpg.StringDataRightTruncationError, "value too long for type character varying(20)"
        )
        failure = classify(wrapped(too_long))
        assert failure.verdict is Verdict.PERMANENT
        assert failure.sqlstate == "22001"

    def test_a_quoted_value_is_cut_from_postgresqls_message(self) -> None:
        bad = pg_error(
            asyncpg.InvalidTextRepresentationError, 'invalid input syntax for type integer: "12.5"'
        )
        assert classify(wrapped(bad)).message == "invalid input syntax for type integer"

    @pytest.mark.parametrize(
        "error",
        [
            asyncpg.DeadlockDetectedError("deadlock detected"),
            asyncpg.SerializationError("could not serialize"),
            asyncpg.LockNotAvailableError("canceling statement due to lock timeout"),
            asyncpg.QueryCanceledError("canceling statement due to statement timeout"),
            asyncpg.ConnectionDoesNotExistError("connection was closed"),
            ConnectionResetError("reset by peer"),
        ],
    )
    def test_infrastructure_failures_are_transient_and_count_for_the_breaker(self, error: Exception) -> None:
        failure = classify(wrapped(error))
        assert failure.verdict is Verdict.TRANSIENT
        assert failure.counts_for_breaker

    def test_our_own_errors(self) -> None:
        assert classify(RetryLater("parent", delay_s=3)).delay_s == 3
        assert classify(PermanentHandlerError("cannot map")).permanent
        assert classify(DatabaseBusy("busy")).verdict is Verdict.TRANSIENT
        unknown = classify(KeyError("surprise"))
        assert unknown.verdict is Verdict.UNKNOWN
        assert unknown.counts_for_breaker
