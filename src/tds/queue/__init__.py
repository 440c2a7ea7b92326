"""The work queue: enqueue, claim, lease, complete, retry, dead-letter and replay."""
