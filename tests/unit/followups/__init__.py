"""Unit tests of the follow-ups' pure parts: kinds, priorities, which events move stock."""
