"""TDS Core's own schema: every tds_* table, the queue's notify trigger

Revision ID: 0100
Revises:
Create Date: 2026-12-04 16:26:50.814022
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tds.migrations.runner import own_schema

revision: str = "0100"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("tds",)
depends_on: str | Sequence[str] | None = None

# Wakes idle workers the moment work becomes ready: one NOTIFY per statement, not per row, and only
# when the statement left a job pending (a claim, a completion or an empty claim must not wake anyone,
# or idle workers would wake each other in a loop). Named in the schema the migration runs for.
NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.tds_notify_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows WHERE status = 'pending') THEN
        PERFORM pg_notify('tds_queue', '');
    END IF;
    RETURN NULL;
END $$;
"""
NOTIFY_TRIGGERS = (
    """CREATE TRIGGER tds_sync_queue_notify_insert AFTER INSERT ON {schema}.tds_sync_queue
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {schema}.tds_notify_queue();""",
    """CREATE TRIGGER tds_sync_queue_notify_update AFTER UPDATE ON {schema}.tds_sync_queue
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {schema}.tds_notify_queue();""",
)


def _quoted_schema() -> str:
    return op.get_bind().dialect.identifier_preparer.quote(own_schema())


def upgrade() -> None:
    op.create_table(
        "tds_alert_deliveries",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("alert_id", sa.BigInteger(), nullable=True),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("notice", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "claimed_until", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'given_up')", name=op.f("ck_tds_alert_deliveries_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_alert_deliveries")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_alert_deliveries_alert", "tds_alert_deliveries", ["alert_id"], unique=False, schema="tds"
    )
    op.create_index(
        "ix_tds_alert_deliveries_pending",
        "tds_alert_deliveries",
        ["claimed_until"],
        unique=False,
        schema="tds",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "tds_alerts",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), server_default="", nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="open", nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("fired_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column(
            "last_seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notifications", sa.Integer(), server_default="0", nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Text(), nullable=True),
        sa.CheckConstraint("severity IN ('warning', 'critical')", name=op.f("ck_tds_alerts_severity")),
        sa.CheckConstraint(
            "status IN ('open', 'acknowledged', 'resolved')", name=op.f("ck_tds_alerts_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_alerts")),
        schema="tds",
    )
    op.create_index("ix_tds_alerts_fired_at", "tds_alerts", ["fired_at"], unique=False, schema="tds")
    op.create_index(
        "ux_tds_alerts_active",
        "tds_alerts",
        ["rule", "subject"],
        unique=True,
        schema="tds",
        postgresql_where=sa.text("status <> 'resolved'"),
    )
    op.create_table(
        "tds_audit_trail",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("erp_table", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("changed_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("inbox_event_id", sa.BigInteger(), nullable=True),
        sa.Column("queue_job_id", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_audit_trail")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_audit_trail_changed_at", "tds_audit_trail", ["changed_at"], unique=False, schema="tds"
    )
    op.create_index(
        "ix_tds_audit_trail_entity",
        "tds_audit_trail",
        ["entity", "entity_id", "changed_at"],
        unique=False,
        schema="tds",
    )
    op.create_index("ix_tds_audit_trail_job", "tds_audit_trail", ["queue_job_id"], unique=False, schema="tds")
    op.create_table(
        "tds_configuration",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_tds_configuration")),
        schema="tds",
    )
    op.create_table(
        "tds_erp_versions",
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("input_hash", sa.Text(), nullable=True),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("doc", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("keys", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("entity", "zoho_id", name=op.f("pk_tds_erp_versions")),
        schema="tds",
    )
    op.create_table(
        "tds_healer_actions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), server_default="1", nullable=False),
        sa.Column("dead_letter_id", sa.BigInteger(), nullable=True),
        sa.Column("inbox_event_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_healer_actions")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_healer_actions_action_at", "tds_healer_actions", ["action", "at"], unique=False, schema="tds"
    )
    op.create_index(
        "ix_tds_healer_actions_inbox_event",
        "tds_healer_actions",
        ["inbox_event_id"],
        unique=False,
        schema="tds",
    )
    op.create_table(
        "tds_inbox_events",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=True),
        sa.Column("entity_id", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), server_default="upsert", nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("raw_body", sa.Text(), nullable=True),
        sa.Column(
            "headers",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), server_default="received", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_inbox_events")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_tds_inbox_events_idempotency_key")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_inbox_events_entity_id", "tds_inbox_events", ["entity_id"], unique=False, schema="tds"
    )
    op.create_index(
        "ix_tds_inbox_events_entity_received",
        "tds_inbox_events",
        ["entity", "received_at"],
        unique=False,
        schema="tds",
    )
    op.create_index(
        "ix_tds_inbox_events_received_at", "tds_inbox_events", ["received_at"], unique=False, schema="tds"
    )
    op.create_table(
        "tds_metrics",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column(
            "labels",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("sampled_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_metrics")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_metrics_name_sampled", "tds_metrics", ["name", "sampled_at"], unique=False, schema="tds"
    )
    op.create_index("ix_tds_metrics_sampled_at", "tds_metrics", ["sampled_at"], unique=False, schema="tds")
    op.create_table(
        "tds_reconcile_runs",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("repair", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("status", sa.Text(), server_default="running", nullable=False),
        sa.Column("zoho_records", sa.Integer(), server_default="0", nullable=False),
        sa.Column("erp_records", sa.Integer(), server_default="0", nullable=False),
        sa.Column("missing", sa.Integer(), server_default="0", nullable=False),
        sa.Column("deleted", sa.Integer(), server_default="0", nullable=False),
        sa.Column("drift", sa.Integer(), server_default="0", nullable=False),
        sa.Column("invalid", sa.Integer(), server_default="0", nullable=False),
        sa.Column("repaired", sa.Integer(), server_default="0", nullable=False),
        sa.Column("api_calls", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_reconcile_runs")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_reconcile_runs_entity_started",
        "tds_reconcile_runs",
        ["entity", "started_at"],
        unique=False,
        schema="tds",
    )
    op.create_table(
        "tds_sync_cursors",
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("last_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_page", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("entity", "mode", name=op.f("pk_tds_sync_cursors")),
        schema="tds",
    )
    op.create_table(
        "tds_sync_logs",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("queue_job_id", sa.BigInteger(), nullable=True),
        sa.Column("inbox_event_id", sa.BigInteger(), nullable=True),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("worker_id", sa.Text(), nullable=True),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_sync_logs")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_sync_logs_created_at", "tds_sync_logs", ["created_at"], unique=False, schema="tds"
    )
    op.create_index("ix_tds_sync_logs_job", "tds_sync_logs", ["queue_job_id"], unique=False, schema="tds")
    op.create_table(
        "tds_sync_runs",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="running", nullable=False),
        sa.Column("pages", sa.Integer(), server_default="0", nullable=False),
        sa.Column("records", sa.Integer(), server_default="0", nullable=False),
        sa.Column("enqueued", sa.Integer(), server_default="0", nullable=False),
        sa.Column("skipped", sa.Integer(), server_default="0", nullable=False),
        sa.Column("failed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column(
            "heartbeat_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_sync_runs")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_sync_runs_entity_started",
        "tds_sync_runs",
        ["entity", "started_at"],
        unique=False,
        schema="tds",
    )
    op.create_table(
        "tds_worker_heartbeats",
        sa.Column("worker_id", sa.Text(), nullable=False),
        sa.Column("hostname", sa.Text(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column(
            "last_seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("state", sa.Text(), server_default="running", nullable=False),
        sa.Column("in_flight", sa.Integer(), server_default="0", nullable=False),
        sa.Column("processed", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("failed", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "breakers",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_tds_worker_heartbeats")),
        schema="tds",
    )
    op.create_table(
        "tds_dead_letter_queue",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("queue_job_id", sa.BigInteger(), nullable=True),
        sa.Column("inbox_event_id", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_key", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("traceback", sa.Text(), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discard_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inbox_event_id"],
            ["tds.tds_inbox_events.id"],
            name=op.f("fk_tds_dead_letter_queue_inbox_event_id_tds_inbox_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_dead_letter_queue")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_dead_letter_queue_inbox",
        "tds_dead_letter_queue",
        ["inbox_event_id"],
        unique=False,
        schema="tds",
    )
    op.create_index(
        "ix_tds_dead_letter_queue_job", "tds_dead_letter_queue", ["queue_job_id"], unique=False, schema="tds"
    )
    op.create_index(
        "ix_tds_dead_letter_queue_open",
        "tds_dead_letter_queue",
        ["failed_at"],
        unique=False,
        schema="tds",
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.create_table(
        "tds_reconcile_differences",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column(
            "fields",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "detail",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("repair", sa.Text(), nullable=True),
        sa.Column("found_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["tds.tds_reconcile_runs.id"],
            name=op.f("fk_tds_reconcile_differences_run_id_tds_reconcile_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_reconcile_differences")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_reconcile_differences_record",
        "tds_reconcile_differences",
        ["entity", "zoho_id"],
        unique=False,
        schema="tds",
    )
    op.create_index(
        "ix_tds_reconcile_differences_run",
        "tds_reconcile_differences",
        ["run_id", "kind"],
        unique=False,
        schema="tds",
    )
    op.create_table(
        "tds_sync_queue",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("inbox_event_id", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_key", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("priority", sa.Integer(), server_default="0", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("max_attempts", sa.Integer(), server_default="4", nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("locked_by", sa.Text(), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inbox_event_id"],
            ["tds.tds_inbox_events.id"],
            name=op.f("fk_tds_sync_queue_inbox_event_id_tds_inbox_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_sync_queue")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_sync_queue_active_key",
        "tds_sync_queue",
        ["entity_key", "id"],
        unique=False,
        schema="tds",
        postgresql_where=sa.text("status IN ('pending', 'processing')"),
    )
    op.create_index(
        "ix_tds_sync_queue_entity_status_id",
        "tds_sync_queue",
        ["entity", "status", "id"],
        unique=False,
        schema="tds",
    )
    op.create_index(
        "ix_tds_sync_queue_inbox", "tds_sync_queue", ["inbox_event_id"], unique=False, schema="tds"
    )
    op.create_index(
        "ix_tds_sync_queue_lease",
        "tds_sync_queue",
        ["locked_until"],
        unique=False,
        schema="tds",
        postgresql_where=sa.text("status = 'processing'"),
    )
    op.create_index(
        "ix_tds_sync_queue_pending_created",
        "tds_sync_queue",
        ["created_at"],
        unique=False,
        schema="tds",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_tds_sync_queue_ready",
        "tds_sync_queue",
        [sa.literal_column("priority DESC"), "run_after", "id"],
        unique=False,
        schema="tds",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_tds_sync_queue_status_id", "tds_sync_queue", ["status", "id"], unique=False, schema="tds"
    )
    op.create_index(
        "ix_tds_sync_queue_status_updated",
        "tds_sync_queue",
        ["status", "updated_at"],
        unique=False,
        schema="tds",
    )
    op.create_index(
        "ux_tds_sync_queue_one_processing_per_key",
        "tds_sync_queue",
        ["entity_key"],
        unique=True,
        schema="tds",
        postgresql_where=sa.text("status = 'processing'"),
    )
    schema = _quoted_schema()
    op.execute(NOTIFY_FUNCTION.format(schema=schema))
    for trigger in NOTIFY_TRIGGERS:
        op.execute(trigger.format(schema=schema))


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {_quoted_schema()}.tds_notify_queue() CASCADE")
    op.drop_index(
        "ux_tds_sync_queue_one_processing_per_key",
        table_name="tds_sync_queue",
        schema="tds",
        postgresql_where=sa.text("status = 'processing'"),
    )
    op.drop_index("ix_tds_sync_queue_status_updated", table_name="tds_sync_queue", schema="tds")
    op.drop_index("ix_tds_sync_queue_status_id", table_name="tds_sync_queue", schema="tds")
    op.drop_index(
        "ix_tds_sync_queue_ready",
        table_name="tds_sync_queue",
        schema="tds",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_index(
        "ix_tds_sync_queue_pending_created",
        table_name="tds_sync_queue",
        schema="tds",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_index(
        "ix_tds_sync_queue_lease",
        table_name="tds_sync_queue",
        schema="tds",
        postgresql_where=sa.text("status = 'processing'"),
    )
    op.drop_index("ix_tds_sync_queue_inbox", table_name="tds_sync_queue", schema="tds")
    op.drop_index("ix_tds_sync_queue_entity_status_id", table_name="tds_sync_queue", schema="tds")
    op.drop_index(
        "ix_tds_sync_queue_active_key",
        table_name="tds_sync_queue",
        schema="tds",
        postgresql_where=sa.text("status IN ('pending', 'processing')"),
    )
    op.drop_table("tds_sync_queue", schema="tds")
    op.drop_index("ix_tds_reconcile_differences_run", table_name="tds_reconcile_differences", schema="tds")
    op.drop_index("ix_tds_reconcile_differences_record", table_name="tds_reconcile_differences", schema="tds")
    op.drop_table("tds_reconcile_differences", schema="tds")
    op.drop_index(
        "ix_tds_dead_letter_queue_open",
        table_name="tds_dead_letter_queue",
        schema="tds",
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.drop_index("ix_tds_dead_letter_queue_job", table_name="tds_dead_letter_queue", schema="tds")
    op.drop_index("ix_tds_dead_letter_queue_inbox", table_name="tds_dead_letter_queue", schema="tds")
    op.drop_table("tds_dead_letter_queue", schema="tds")
    op.drop_table("tds_worker_heartbeats", schema="tds")
    op.drop_index("ix_tds_sync_runs_entity_started", table_name="tds_sync_runs", schema="tds")
    op.drop_table("tds_sync_runs", schema="tds")
    op.drop_index("ix_tds_sync_logs_job", table_name="tds_sync_logs", schema="tds")
    op.drop_index("ix_tds_sync_logs_created_at", table_name="tds_sync_logs", schema="tds")
    op.drop_table("tds_sync_logs", schema="tds")
    op.drop_table("tds_sync_cursors", schema="tds")
    op.drop_index("ix_tds_reconcile_runs_entity_started", table_name="tds_reconcile_runs", schema="tds")
    op.drop_table("tds_reconcile_runs", schema="tds")
    op.drop_index("ix_tds_metrics_sampled_at", table_name="tds_metrics", schema="tds")
    op.drop_index("ix_tds_metrics_name_sampled", table_name="tds_metrics", schema="tds")
    op.drop_table("tds_metrics", schema="tds")
    op.drop_index("ix_tds_inbox_events_received_at", table_name="tds_inbox_events", schema="tds")
    op.drop_index("ix_tds_inbox_events_entity_received", table_name="tds_inbox_events", schema="tds")
    op.drop_index("ix_tds_inbox_events_entity_id", table_name="tds_inbox_events", schema="tds")
    op.drop_table("tds_inbox_events", schema="tds")
    op.drop_index("ix_tds_healer_actions_inbox_event", table_name="tds_healer_actions", schema="tds")
    op.drop_index("ix_tds_healer_actions_action_at", table_name="tds_healer_actions", schema="tds")
    op.drop_table("tds_healer_actions", schema="tds")
    op.drop_table("tds_erp_versions", schema="tds")
    op.drop_table("tds_configuration", schema="tds")
    op.drop_index("ix_tds_audit_trail_job", table_name="tds_audit_trail", schema="tds")
    op.drop_index("ix_tds_audit_trail_entity", table_name="tds_audit_trail", schema="tds")
    op.drop_index("ix_tds_audit_trail_changed_at", table_name="tds_audit_trail", schema="tds")
    op.drop_table("tds_audit_trail", schema="tds")
    op.drop_index(
        "ux_tds_alerts_active",
        table_name="tds_alerts",
        schema="tds",
        postgresql_where=sa.text("status <> 'resolved'"),
    )
    op.drop_index("ix_tds_alerts_fired_at", table_name="tds_alerts", schema="tds")
    op.drop_table("tds_alerts", schema="tds")
    op.drop_index(
        "ix_tds_alert_deliveries_pending",
        table_name="tds_alert_deliveries",
        schema="tds",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_index("ix_tds_alert_deliveries_alert", table_name="tds_alert_deliveries", schema="tds")
    op.drop_table("tds_alert_deliveries", schema="tds")
