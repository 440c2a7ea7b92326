-- A second existing ERP ("ops"): text keys of its own naming, customers and vendors in one table,
-- a version column on some tables, invoices with a child-line table keyed by (document, sequence).
CREATE SCHEMA ops;
CREATE TABLE ops.item_master (
    item_ref text PRIMARY KEY, title text NOT NULL, code text NOT NULL, price numeric(18, 4),
    active char(1) NOT NULL, last_change timestamptz, warehouse_bin text
);
CREATE TABLE ops.item_stock (
    item_ref text PRIMARY KEY REFERENCES ops.item_master, on_hand numeric, available numeric
);
CREATE TABLE ops.parties (
    party_ref text PRIMARY KEY, kind char(1) NOT NULL, display text NOT NULL, terms_days integer,
    email text, billing jsonb
);
CREATE TABLE ops.inv_head (
    doc_ref text PRIMARY KEY, doc_no text NOT NULL UNIQUE, party_ref text NOT NULL REFERENCES ops.parties,
    doc_date date NOT NULL, due date, gross numeric(18, 4) NOT NULL, state text NOT NULL, last_change timestamptz
);
CREATE TABLE ops.inv_line (
    doc_ref text NOT NULL REFERENCES ops.inv_head ON DELETE CASCADE, seq integer NOT NULL,
    item_ref text NOT NULL REFERENCES ops.item_master, qty numeric NOT NULL, price numeric NOT NULL,
    amount numeric, PRIMARY KEY (doc_ref, seq)
);
CREATE TABLE ops.price_head (book_ref text PRIMARY KEY, title text NOT NULL);
CREATE TABLE ops.price_line (
    book_ref text NOT NULL REFERENCES ops.price_head, item_ref text NOT NULL REFERENCES ops.item_master,
    price numeric NOT NULL, PRIMARY KEY (book_ref, item_ref)
);
CREATE TABLE ops.people (user_ref text PRIMARY KEY, name text NOT NULL, mail text);
