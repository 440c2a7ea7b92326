"""Retention: finished work older than the configured days removed in bounded batches."""
