"""The asyncio worker pool that drains the queue through the entity handlers."""
