"""Integration tests of the follow-up queue and of stock refreshes against the emulator."""
