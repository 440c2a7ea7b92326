"""Auto-healing: stuck work back to the queue, transient dead letters retried on a policy."""
