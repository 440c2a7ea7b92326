"""initial schema: the tds_* tables and the default ERP schema (erp.*)

Revision ID: 0001
Revises:
Create Date: 2026-11-23 12:49:19.890368
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Wakes idle workers the moment work becomes ready: one NOTIFY per statement, not per row, and only
# when the statement left a job pending (a claim, a completion or an empty claim must not wake anyone,
# or idle workers would wake each other in a loop).
NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION tds_notify_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows WHERE status = 'pending') THEN
        PERFORM pg_notify('tds_queue', '');
    END IF;
    RETURN NULL;
END $$;
"""
NOTIFY_TRIGGERS = (
    """CREATE TRIGGER tds_sync_queue_notify_insert AFTER INSERT ON tds_sync_queue
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tds_notify_queue();""",
    """CREATE TRIGGER tds_sync_queue_notify_update AFTER UPDATE ON tds_sync_queue
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tds_notify_queue();""",
)


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS erp")
    op.create_table(
        "tds_alerts",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("fired_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_alerts")),
    )
    op.create_index(
        "ix_tds_alerts_open",
        "tds_alerts",
        ["rule"],
        unique=False,
        postgresql_where=sa.text("resolved_at IS NULL"),
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
    )
    op.create_index("ix_tds_audit_trail_changed_at", "tds_audit_trail", ["changed_at"], unique=False)
    op.create_index(
        "ix_tds_audit_trail_entity", "tds_audit_trail", ["entity", "entity_id", "changed_at"], unique=False
    )
    op.create_table(
        "tds_configuration",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_tds_configuration")),
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
    )
    op.create_index(
        "ix_tds_inbox_events_entity_received", "tds_inbox_events", ["entity", "received_at"], unique=False
    )
    op.create_index("ix_tds_inbox_events_received_at", "tds_inbox_events", ["received_at"], unique=False)
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
    )
    op.create_index("ix_tds_metrics_name_sampled", "tds_metrics", ["name", "sampled_at"], unique=False)
    op.create_table(
        "tds_sync_cursors",
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("last_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_page", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("entity", "mode", name=op.f("pk_tds_sync_cursors")),
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
    )
    op.create_index("ix_tds_sync_logs_created_at", "tds_sync_logs", ["created_at"], unique=False)
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
    )
    op.create_index(
        "ix_tds_sync_runs_entity_started", "tds_sync_runs", ["entity", "started_at"], unique=False
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
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_tds_worker_heartbeats")),
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
        sa.ForeignKeyConstraint(
            ["inbox_event_id"],
            ["tds_inbox_events.id"],
            name=op.f("fk_tds_dead_letter_queue_inbox_event_id_tds_inbox_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_dead_letter_queue")),
    )
    op.create_index(
        "ix_tds_dead_letter_queue_open",
        "tds_dead_letter_queue",
        ["failed_at"],
        unique=False,
        postgresql_where=sa.text("resolved_at IS NULL"),
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
            ["tds_inbox_events.id"],
            name=op.f("fk_tds_sync_queue_inbox_event_id_tds_inbox_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_sync_queue")),
    )
    op.create_index(
        "ix_tds_sync_queue_active_key",
        "tds_sync_queue",
        ["entity_key", "id"],
        unique=False,
        postgresql_where=sa.text("status IN ('pending', 'processing')"),
    )
    op.create_index("ix_tds_sync_queue_inbox", "tds_sync_queue", ["inbox_event_id"], unique=False)
    op.create_index(
        "ux_tds_sync_queue_one_processing_per_key",
        "tds_sync_queue",
        ["entity_key"],
        unique=True,
        postgresql_where=sa.text("status = 'processing'"),
    )
    op.create_index(
        "ix_tds_sync_queue_lease",
        "tds_sync_queue",
        ["locked_until"],
        unique=False,
        postgresql_where=sa.text("status = 'processing'"),
    )
    op.create_index(
        "ix_tds_sync_queue_ready",
        "tds_sync_queue",
        [sa.text("priority DESC"), "run_after", "id"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_tds_sync_queue_status_updated", "tds_sync_queue", ["status", "updated_at"], unique=False
    )
    op.create_table(
        "bills",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("bill_number", sa.Text(), nullable=True),
        sa.Column("vendor_zoho_id", sa.Text(), nullable=True),
        sa.Column("vendor_name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("sub_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("location_zoho_id", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("balance", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_bills")),
        schema="erp",
    )
    op.create_index("ix_bills_vendor", "bills", ["vendor_zoho_id"], unique=False, schema="erp")
    op.create_table(
        "credit_notes",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("creditnote_number", sa.Text(), nullable=True),
        sa.Column("customer_zoho_id", sa.Text(), nullable=True),
        sa.Column("customer_name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("sub_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("location_zoho_id", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("balance", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_credit_notes")),
        schema="erp",
    )
    op.create_index(
        "ix_credit_notes_customer", "credit_notes", ["customer_zoho_id"], unique=False, schema="erp"
    )
    op.create_table(
        "customers",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("company_name", sa.Text(), nullable=True),
        sa.Column("contact_sub_type", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("mobile", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("payment_terms", sa.Integer(), nullable=True),
        sa.Column("credit_limit", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("outstanding_amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_reg_no", sa.Text(), nullable=True),
        sa.Column("billing_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("shipping_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("contact_persons", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_customers")),
        schema="erp",
    )
    op.create_table(
        "invoices",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("invoice_number", sa.Text(), nullable=True),
        sa.Column("customer_zoho_id", sa.Text(), nullable=True),
        sa.Column("customer_name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("sub_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("location_zoho_id", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("balance", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("salesperson_name", sa.Text(), nullable=True),
        sa.Column("billing_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("shipping_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_invoices")),
        schema="erp",
    )
    op.create_index("ix_invoices_customer", "invoices", ["customer_zoho_id"], unique=False, schema="erp")
    op.create_table(
        "payments",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("payment_kind", sa.Text(), nullable=False),
        sa.Column("payment_number", sa.Text(), nullable=True),
        sa.Column("contact_zoho_id", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unused_amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("payment_mode", sa.Text(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("account_name", sa.Text(), nullable=True),
        sa.Column("applications", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_payments")),
        schema="erp",
    )
    op.create_index("ix_payments_contact", "payments", ["contact_zoho_id"], unique=False, schema="erp")
    op.create_table(
        "price_lists",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("pricebook_type", sa.Text(), nullable=True),
        sa.Column("sales_or_purchase_type", sa.Text(), nullable=True),
        sa.Column("percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("is_increase", sa.Boolean(), nullable=True),
        sa.Column("rounding_type", sa.Text(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_price_lists")),
        schema="erp",
    )
    op.create_table(
        "products",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("purchase_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("item_type", sa.Text(), nullable=True),
        sa.Column("product_type", sa.Text(), nullable=True),
        sa.Column("tax_zoho_id", sa.Text(), nullable=True),
        sa.Column("tax_percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("stock_on_hand", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("available_stock", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("reorder_level", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("brand", sa.Text(), nullable=True),
        sa.Column("manufacturer", sa.Text(), nullable=True),
        sa.Column("upc", sa.Text(), nullable=True),
        sa.Column("ean", sa.Text(), nullable=True),
        sa.Column("image_document_id", sa.Text(), nullable=True),
        sa.Column("image_name", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_products")),
        schema="erp",
    )
    op.create_index("ix_products_sku", "products", ["sku"], unique=False, schema="erp")
    op.create_table(
        "sales_orders",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("salesorder_number", sa.Text(), nullable=True),
        sa.Column("customer_zoho_id", sa.Text(), nullable=True),
        sa.Column("customer_name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("sub_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("location_zoho_id", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("shipment_date", sa.Date(), nullable=True),
        sa.Column("order_status", sa.Text(), nullable=True),
        sa.Column("invoiced_status", sa.Text(), nullable=True),
        sa.Column("paid_status", sa.Text(), nullable=True),
        sa.Column("salesperson_name", sa.Text(), nullable=True),
        sa.Column("billing_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("shipping_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_sales_orders")),
        schema="erp",
    )
    op.create_index(
        "ix_sales_orders_customer", "sales_orders", ["customer_zoho_id"], unique=False, schema="erp"
    )
    op.create_table(
        "stock_adjustments",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("adjustment_type", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_stock_adjustments")),
        schema="erp",
    )
    op.create_table(
        "stock_levels",
        sa.Column("item_zoho_id", sa.Text(), nullable=False),
        sa.Column("warehouse_zoho_id", sa.Text(), nullable=False),
        sa.Column("warehouse_name", sa.Text(), nullable=True),
        sa.Column("stock_on_hand", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("available_stock", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("actual_available_stock", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("committed_stock", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("item_zoho_id", "warehouse_zoho_id", name=op.f("pk_stock_levels")),
        schema="erp",
    )
    op.create_table(
        "users",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("user_type", sa.Text(), nullable=True),
        sa.Column("is_employee", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_users")),
        schema="erp",
    )
    op.create_table(
        "vendors",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("company_name", sa.Text(), nullable=True),
        sa.Column("contact_sub_type", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("mobile", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("payment_terms", sa.Integer(), nullable=True),
        sa.Column("credit_limit", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("outstanding_amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_reg_no", sa.Text(), nullable=True),
        sa.Column("billing_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("shipping_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("contact_persons", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_vendors")),
        schema="erp",
    )
    op.create_table(
        "warehouses",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_warehouses")),
        schema="erp",
    )
    op.create_table(
        "bill_lines",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_zoho_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("line_item_zoho_id", sa.Text(), nullable=True),
        sa.Column("item_zoho_id", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_zoho_id", sa.Text(), nullable=True),
        sa.Column("tax_percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("item_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("warehouse_zoho_id", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_zoho_id"],
            ["erp.bills.zoho_id"],
            name=op.f("fk_bill_lines_document_zoho_id_bills"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_lines")),
        schema="erp",
    )
    op.create_index(
        "ix_bill_lines_document", "bill_lines", ["document_zoho_id", "line_no"], unique=False, schema="erp"
    )
    op.create_table(
        "credit_note_lines",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_zoho_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("line_item_zoho_id", sa.Text(), nullable=True),
        sa.Column("item_zoho_id", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_zoho_id", sa.Text(), nullable=True),
        sa.Column("tax_percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("item_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("warehouse_zoho_id", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_zoho_id"],
            ["erp.credit_notes.zoho_id"],
            name=op.f("fk_credit_note_lines_document_zoho_id_credit_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_note_lines")),
        schema="erp",
    )
    op.create_index(
        "ix_credit_note_lines_document",
        "credit_note_lines",
        ["document_zoho_id", "line_no"],
        unique=False,
        schema="erp",
    )
    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_zoho_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("line_item_zoho_id", sa.Text(), nullable=True),
        sa.Column("item_zoho_id", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_zoho_id", sa.Text(), nullable=True),
        sa.Column("tax_percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("item_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("warehouse_zoho_id", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_zoho_id"],
            ["erp.invoices.zoho_id"],
            name=op.f("fk_invoice_lines_document_zoho_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
        schema="erp",
    )
    op.create_index(
        "ix_invoice_lines_document",
        "invoice_lines",
        ["document_zoho_id", "line_no"],
        unique=False,
        schema="erp",
    )
    op.create_table(
        "price_list_items",
        sa.Column("price_list_zoho_id", sa.Text(), nullable=False),
        sa.Column("item_zoho_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("price_list_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("price_brackets", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["price_list_zoho_id"],
            ["erp.price_lists.zoho_id"],
            name=op.f("fk_price_list_items_price_list_zoho_id_price_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("price_list_zoho_id", "item_zoho_id", name=op.f("pk_price_list_items")),
        schema="erp",
    )
    op.create_table(
        "sales_order_lines",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_zoho_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("line_item_zoho_id", sa.Text(), nullable=True),
        sa.Column("item_zoho_id", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_zoho_id", sa.Text(), nullable=True),
        sa.Column("tax_percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("item_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("warehouse_zoho_id", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_zoho_id"],
            ["erp.sales_orders.zoho_id"],
            name=op.f("fk_sales_order_lines_document_zoho_id_sales_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_order_lines")),
        schema="erp",
    )
    op.create_index(
        "ix_sales_order_lines_document",
        "sales_order_lines",
        ["document_zoho_id", "line_no"],
        unique=False,
        schema="erp",
    )
    op.execute(NOTIFY_FUNCTION)
    for trigger in NOTIFY_TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS tds_sync_queue_notify_insert ON tds_sync_queue")
    op.execute("DROP TRIGGER IF EXISTS tds_sync_queue_notify_update ON tds_sync_queue")
    op.execute("DROP FUNCTION IF EXISTS tds_notify_queue()")
    op.drop_index("ix_sales_order_lines_document", table_name="sales_order_lines", schema="erp")
    op.drop_table("sales_order_lines", schema="erp")
    op.drop_table("price_list_items", schema="erp")
    op.drop_index("ix_invoice_lines_document", table_name="invoice_lines", schema="erp")
    op.drop_table("invoice_lines", schema="erp")
    op.drop_index("ix_credit_note_lines_document", table_name="credit_note_lines", schema="erp")
    op.drop_table("credit_note_lines", schema="erp")
    op.drop_index("ix_bill_lines_document", table_name="bill_lines", schema="erp")
    op.drop_table("bill_lines", schema="erp")
    op.drop_table("warehouses", schema="erp")
    op.drop_table("vendors", schema="erp")
    op.drop_table("users", schema="erp")
    op.drop_table("stock_levels", schema="erp")
    op.drop_table("stock_adjustments", schema="erp")
    op.drop_index("ix_sales_orders_customer", table_name="sales_orders", schema="erp")
    op.drop_table("sales_orders", schema="erp")
    op.drop_index("ix_products_sku", table_name="products", schema="erp")
    op.drop_table("products", schema="erp")
    op.drop_table("price_lists", schema="erp")
    op.drop_index("ix_payments_contact", table_name="payments", schema="erp")
    op.drop_table("payments", schema="erp")
    op.drop_index("ix_invoices_customer", table_name="invoices", schema="erp")
    op.drop_table("invoices", schema="erp")
    op.drop_table("customers", schema="erp")
    op.drop_index("ix_credit_notes_customer", table_name="credit_notes", schema="erp")
    op.drop_table("credit_notes", schema="erp")
    op.drop_index("ix_bills_vendor", table_name="bills", schema="erp")
    op.drop_table("bills", schema="erp")
    op.drop_index("ix_tds_sync_queue_status_updated", table_name="tds_sync_queue")
    op.drop_index(
        "ix_tds_sync_queue_ready", table_name="tds_sync_queue", postgresql_where=sa.text("status = 'pending'")
    )
    op.drop_index(
        "ix_tds_sync_queue_lease",
        table_name="tds_sync_queue",
        postgresql_where=sa.text("status = 'processing'"),
    )
    op.drop_index("ix_tds_sync_queue_inbox", table_name="tds_sync_queue")
    op.drop_index("ux_tds_sync_queue_one_processing_per_key", table_name="tds_sync_queue")
    op.drop_index(
        "ix_tds_sync_queue_active_key",
        table_name="tds_sync_queue",
        postgresql_where=sa.text("status IN ('pending', 'processing')"),
    )
    op.drop_table("tds_sync_queue")
    op.drop_index(
        "ix_tds_dead_letter_queue_open",
        table_name="tds_dead_letter_queue",
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.drop_table("tds_dead_letter_queue")
    op.drop_table("tds_worker_heartbeats")
    op.drop_index("ix_tds_sync_runs_entity_started", table_name="tds_sync_runs")
    op.drop_table("tds_sync_runs")
    op.drop_index("ix_tds_sync_logs_created_at", table_name="tds_sync_logs")
    op.drop_table("tds_sync_logs")
    op.drop_table("tds_sync_cursors")
    op.drop_index("ix_tds_metrics_name_sampled", table_name="tds_metrics")
    op.drop_table("tds_metrics")
    op.drop_index("ix_tds_inbox_events_received_at", table_name="tds_inbox_events")
    op.drop_index("ix_tds_inbox_events_entity_received", table_name="tds_inbox_events")
    op.drop_table("tds_inbox_events")
    op.drop_table("tds_configuration")
    op.drop_index("ix_tds_audit_trail_entity", table_name="tds_audit_trail")
    op.drop_index("ix_tds_audit_trail_changed_at", table_name="tds_audit_trail")
    op.drop_table("tds_audit_trail")
    op.drop_index(
        "ix_tds_alerts_open", table_name="tds_alerts", postgresql_where=sa.text("resolved_at IS NULL")
    )
    op.drop_table("tds_alerts")
    op.execute("DROP SCHEMA IF EXISTS erp")
