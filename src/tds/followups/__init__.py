"""Follow-ups: the worker's own Zoho calls (stock refresh), queued per record, paid from the pull's budget."""
