"""An archive's manifest and table of contents, and the entries a restore of each part selects."""

from __future__ import annotations

from tds.backup.contents import Manifest, contents_problem, parse_toc, select_entries, toc_tables

# `pg_restore --list` of a `tds backup --with-erp` archive, shortened (and one schema entry).
TOC = """;
; Archive created at 2026-12-04 16:42:53 UTC
;
6; 2615 57143 SCHEMA - tds postgres
220; 1255 57163 FUNCTION tds tds_notify_queue() postgres
216; 1259 57145 TABLE tds tds_sync_queue postgres
215; 1259 57144 SEQUENCE tds tds_sync_queue_id_seq postgres
3362; 0 0 SEQUENCE OWNED BY tds tds_sync_queue_id_seq postgres
3355; 0 57145 TABLE DATA tds tds_sync_queue postgres
219; 1259 58315 TABLE erp products postgres
221; 1259 58316 TABLE erp invoice_lines postgres
3356; 0 58315 TABLE DATA erp products postgres
3210; 2606 57150 CONSTRAINT tds tds_sync_queue pk_tds_sync_queue postgres
3207; 1259 58326 INDEX erp ix_products_sku postgres
3211; 2606 58321 FK CONSTRAINT erp invoice_lines fk_invoice_lines_document postgres
3212; 2620 58330 TRIGGER tds tds_sync_queue tds_sync_queue_notify_insert postgres
"""
MANIFEST = Manifest("tds", ("erp.invoice_lines", "erp.products"))


class TestManifest:
    def test_round_trips_through_the_gzip_comment_bytes(self) -> None:
        """Encoded as ASCII JSON without NUL, decoded back to the same manifest."""
        raw = MANIFEST.encode()
        assert raw.isascii()
        assert b"\x00" not in raw
        assert Manifest.decode(raw) == MANIFEST

    def test_another_programs_comment_is_no_manifest(self) -> None:
        assert Manifest.decode(b"made by gzip") is None
        assert Manifest.decode(b'{"schema": "tds"}') is None
        assert Manifest.decode(b'{"tds_backup": 1, "schema": 5, "erp_tables": []}') is None


class TestTableOfContents:
    def test_kinds_of_several_words_are_read_whole(self) -> None:
        """ "TABLE DATA erp products" is data of erp.products, not a table in a schema named DATA."""
        entries = parse_toc(TOC)
        kinds = {(e.kind, e.namespace, e.tag) for e in entries}
        assert ("TABLE DATA", "erp", "products") in kinds
        assert ("SEQUENCE OWNED BY", "tds", "tds_sync_queue_id_seq") in kinds
        assert ("FK CONSTRAINT", "erp", "invoice_lines fk_invoice_lines_document") in kinds
        assert ("SCHEMA", None, "tds") in kinds
        assert len(entries) == 13

    def test_tables_are_the_table_entries_only(self) -> None:
        assert toc_tables(parse_toc(TOC)) == ["tds.tds_sync_queue", "erp.products", "erp.invoice_lines"]

    def test_agrees_with_its_manifest(self) -> None:
        assert contents_problem(MANIFEST, parse_toc(TOC)) is None

    def test_tables_the_manifest_does_not_name_are_a_disagreement(self) -> None:
        problem = contents_problem(Manifest("tds"), parse_toc(TOC))
        assert problem is not None
        assert "erp.invoice_lines, erp.products" in problem
        assert contents_problem(Manifest("other"), parse_toc(TOC)) == (
            "it holds no table of TDS Core's schema other"
        )


class TestSelection:
    def test_tds_only_selects_its_schema_but_not_the_schema_itself(self) -> None:
        """The schema comes from the migrations; its objects, data and triggers from the archive."""
        chosen = select_entries(parse_toc(TOC), MANIFEST, tds=True, erp=False)
        assert {e.namespace for e in chosen} == {"tds"}
        assert [e.kind for e in chosen if e.kind in ("SCHEMA", "FUNCTION", "TRIGGER")] == [
            "FUNCTION",
            "TRIGGER",
        ]

    def test_erp_only_selects_the_erp_tables_with_their_indexes_and_keys(self) -> None:
        chosen = select_entries(parse_toc(TOC), MANIFEST, tds=False, erp=True)
        assert [(e.kind, e.tag) for e in chosen] == [
            ("TABLE", "products"),
            ("TABLE", "invoice_lines"),
            ("TABLE DATA", "products"),
            ("INDEX", "ix_products_sku"),
            ("FK CONSTRAINT", "invoice_lines fk_invoice_lines_document"),
        ]

    def test_both_parts_keep_the_archive_order(self) -> None:
        entries = parse_toc(TOC)
        chosen = select_entries(entries, MANIFEST, tds=True, erp=True)
        assert chosen == [e for e in entries if e.namespace is not None]
