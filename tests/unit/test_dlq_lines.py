"""`tds dlq list` lines: columns sized to their content, cut only to a terminal's width; error groups."""

from __future__ import annotations

from datetime import UTC, datetime

from tds.commands.dlq import table_lines
from tds.queue.dead_letters import error_group
from tds.queue.jobs import DeadLetterView

FAILED_AT = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def letter(dead_letter_id: int, entity_key: str, error: str) -> DeadLetterView:
    entity = entity_key.partition(":")[0]
    return DeadLetterView(dead_letter_id, None, 1, entity, entity_key, 4, error, FAILED_AT, None, None)


def test_columns_fit_their_content_and_a_pipe_gets_whole_lines() -> None:
    """Without a width every line is whole; the error column starts at the same place on every line."""
    long_error = "ValueError: " + "x" * 200
    lines = table_lines([letter(12345, "salesorder:9", long_error), letter(7, "item:1", "a\nb")], None)
    assert lines[1] == f"12345  salesorder  9       open          4  2026-12-04 09:30:00  {long_error}"
    assert lines[2].endswith("  a")
    assert (
        len({line.index(text) for line, text in zip(lines, ["error", "ValueError", "a"], strict=True)}) == 1
    )


def test_a_terminal_width_cuts_each_line_with_an_ellipsis() -> None:
    """On a terminal, a line wider than it ends in an ellipsis at its width; shorter ones are left alone."""
    lines = table_lines([letter(1, "item:1", "E" * 100)], 60)
    assert [len(line) for line in lines] == [len(lines[0]), 60]
    assert lines[1].endswith("E…")


def test_error_group_is_the_first_line_with_digits_as_hash() -> None:
    """Ids and counts do not split a group; only the first line counts, at most 200 characters."""
    assert (
        error_group("erp refused product 4815162342 (2 tries)\ntrace 99") == "erp refused product # (# tries)"
    )
    assert len(error_group("x" * 500)) == 200
