"""The metrics snapshot row set written each monitor round (pure: snapshot in, samples out)."""

from __future__ import annotations

from tds.alerts.snapshot import OperationsSnapshot

Sample = tuple[str, float, dict[str, str]]


def metric_samples(snap: OperationsSnapshot) -> list[Sample]:
    """Backlog, throughput, failures and lag at the snapshot's time (the dashboard charts them)."""
    succeeded = snap.attempts_finished - snap.attempts_failed
    samples: list[Sample] = [
        ("queue_pending", float(snap.pending), {}),
        ("queue_processing", float(snap.queue_by_status.get("processing", 0)), {}),
        ("oldest_pending_age_s", float(snap.oldest_pending_age_s or 0.0), {}),
        ("attempts_succeeded", float(succeeded), {}),
        ("attempts_failed", float(snap.attempts_failed), {}),
        (
            "failure_rate",
            snap.attempts_failed / snap.attempts_finished if snap.attempts_finished else 0.0,
            {},
        ),
        ("dead_letters_open", float(snap.dead_letters_open), {}),
        ("dead_letters_new", float(snap.dead_letters_new), {}),
        ("zoho_budget_used", float(snap.zoho_budget_used), {}),
        ("workers_running", float(sum(1 for w in snap.workers if w.state == "running")), {}),
    ]
    for sync in snap.entity_sync:
        if sync.last_success_at is not None:
            lag_s = (snap.taken_at - sync.last_success_at).total_seconds()
            samples.append(("sync_lag_s", lag_s, {"entity": sync.entity}))
    return samples
