"""Settings: defaults, nested environment variables, and refusals outside dev."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tds.config import Settings, load_settings


def test_defaults_match_the_documented_schedule() -> None:
    """Retries default to 60, 300 and 900 s; a worker claims 100 at a time; the API listens on 8000."""
    settings = load_settings()
    assert settings.worker.retry_delays_s == [60.0, 300.0, 900.0]
    assert settings.worker.batch_size == 100
    assert settings.api.port == 8000
    assert settings.db.url is None


def test_nested_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """TDS_WORKER__CONCURRENCY and JSON lists reach the nested groups; secrets stay hidden in repr."""
    monkeypatch.setenv("TDS_WORKER__CONCURRENCY", "7")
    monkeypatch.setenv("TDS_WORKER__RETRY_DELAYS_S", "[1, 2]")
    monkeypatch.setenv("TDS_WEBHOOKS__HMAC_SECRET", "s3cr3t-value-xyz")
    settings = Settings()
    assert settings.worker.concurrency == 7
    assert settings.worker.retry_delays_s == [1.0, 2.0]
    assert "s3cr3t-value-xyz" not in repr(settings)
    assert settings.webhooks.hmac_secret is not None
    assert settings.webhooks.hmac_secret.get_secret_value() == "s3cr3t-value-xyz"


def test_production_rejects_placeholder_secrets() -> None:
    """A placeholder webhook secret is refused in production."""
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(environment="production", webhooks={"hmac_secret": "changeme"})


def test_production_refuses_disabled_verification() -> None:
    """Verification can be switched off in dev only."""
    with pytest.raises(ValidationError, match="verification"):
        Settings(environment="production", webhooks={"verification_disabled": True})


def test_disabled_verification_is_warned_about() -> None:
    """Turning verification off explicitly works in dev, with a warning for the start-up log."""
    settings = Settings(webhooks={"verification_disabled": True})
    assert any("DISABLED" in w for w in settings.startup_warnings)


def test_empty_retry_schedule_is_refused() -> None:
    """A retry schedule needs at least one delay."""
    with pytest.raises(ValidationError, match="retry_delays_s"):
        Settings(worker={"retry_delays_s": []})


class TestConnectionCap:
    def test_without_a_cap_the_pool_is_as_configured(self) -> None:
        """No max_connections: pool_size + max_overflow, plus the worker's LISTEN connection."""
        db = Settings().db
        assert db.pool_limits() == (10, 10)
        assert db.connections_per_process == 21

    @pytest.mark.parametrize(
        ("pool", "cap", "limits"),
        [((10, 10), 12, (10, 1)), ((10, 10), 8, (7, 0)), ((10, 10), 40, (10, 10)), ((4, 0), 12, (4, 0))],
    )
    def test_a_cap_cuts_the_pool_and_keeps_one_for_listen(
        self, pool: tuple[int, int], cap: int, limits: tuple[int, int]
    ) -> None:
        """max_connections bounds everything a process opens: the pool takes what LISTEN leaves."""
        db = Settings(db={"pool_size": pool[0], "max_overflow": pool[1], "max_connections": cap}).db
        assert db.pool_limits() == limits
        assert db.connections_per_process == min(cap, sum(pool) + 1)

    def test_a_cap_below_the_lock_holders_is_refused(self) -> None:
        """Fewer than LISTEN, the three lock holders and one for work cannot run a worker."""
        with pytest.raises(ValidationError, match="max_connections"):
            Settings(db={"max_connections": 4})

    def test_a_pool_too_small_for_the_worker_is_warned_about(self) -> None:
        """A pool that cannot hold the worker's batches beside the lock holders is a start-up warning."""
        assert not [w for w in Settings(db={"max_connections": 9}).startup_warnings if "pool" in w]
        warnings = Settings(db={"max_connections": 8}).startup_warnings
        assert any("connection pool holds 7" in w for w in warnings)


def test_session_limits_default_to_five_and_thirty_seconds() -> None:
    """Every session waits at most 5 s for a lock and runs a statement at most 30 s."""
    db = Settings().db
    assert (db.lock_timeout_ms, db.statement_timeout_ms) == (5_000, 30_000)
