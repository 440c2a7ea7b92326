-- An existing ERP ("shop") that TDS Core writes into through examples/erp-profiles/shop.yaml:
-- integer serial ids, foreign keys, NOT NULL columns Zoho cannot fill, Arabic names, integer
-- payment terms, and prices kept apart from products.
CREATE SCHEMA shop;
CREATE TABLE shop.categories (id serial PRIMARY KEY, code varchar(16) NOT NULL UNIQUE, name text NOT NULL);
CREATE TABLE shop.branches (id serial PRIMARY KEY, code varchar(16) NOT NULL UNIQUE);
CREATE TABLE shop.currencies (id serial PRIMARY KEY, code char(3) NOT NULL UNIQUE);
CREATE TABLE shop.products (
    id serial PRIMARY KEY,
    zoho_item_id varchar(32) NOT NULL UNIQUE,
    sku varchar(64) NOT NULL,
    name varchar(200) NOT NULL,
    category_id integer NOT NULL REFERENCES shop.categories (id),
    unit_price numeric(12, 2) NOT NULL,
    unit_of_measure varchar(16) NOT NULL,
    status varchar(16) NOT NULL,
    is_active boolean NOT NULL,
    stock_qty numeric(14, 3),
    cost_price numeric(12, 2),
    shelf_code varchar(16),
    created_by integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE shop.product_prices (
    id serial PRIMARY KEY,
    product_id integer NOT NULL UNIQUE REFERENCES shop.products (id),
    price numeric(12, 2) NOT NULL,
    purchase_price numeric(12, 2),
    tax_rate numeric(5, 2)
);
CREATE TABLE shop.customers (
    id serial PRIMARY KEY,
    zoho_contact_id varchar(32) NOT NULL UNIQUE,
    customer_code varchar(32) NOT NULL,
    name varchar(200) NOT NULL,
    name_ar varchar(200) NOT NULL,
    email varchar(200),
    phone varchar(50),
    payment_terms integer NOT NULL DEFAULT 0,
    credit_limit numeric(14, 2),
    currency_id integer NOT NULL REFERENCES shop.currencies (id),
    branch_id integer NOT NULL REFERENCES shop.branches (id),
    is_active boolean NOT NULL,
    loyalty_points integer NOT NULL DEFAULT 0,
    created_by integer NOT NULL
);
CREATE TABLE shop.suppliers (
    id serial PRIMARY KEY,
    zoho_contact_id varchar(32) NOT NULL UNIQUE,
    supplier_code varchar(32) NOT NULL,
    name varchar(200) NOT NULL,
    email varchar(200),
    payment_terms integer NOT NULL DEFAULT 0,
    is_active boolean NOT NULL
);
CREATE TABLE shop.sales_orders (
    id serial PRIMARY KEY,
    order_number varchar(32) NOT NULL UNIQUE,
    zoho_salesorder_id varchar(32) NOT NULL,
    customer_id integer NOT NULL REFERENCES shop.customers (id),
    order_date date NOT NULL,
    status varchar(20) NOT NULL,
    discount_pct numeric(5, 2),
    total numeric(14, 2) NOT NULL,
    branch_id integer NOT NULL REFERENCES shop.branches (id),
    created_by integer NOT NULL,
    approved_by integer
);
CREATE TABLE shop.sales_order_lines (
    id serial PRIMARY KEY,
    order_id integer NOT NULL REFERENCES shop.sales_orders (id),
    line_no integer NOT NULL,
    product_id integer NOT NULL REFERENCES shop.products (id),
    description text,
    quantity numeric(14, 3) NOT NULL,
    unit_price numeric(12, 2) NOT NULL,
    line_total numeric(14, 2) NOT NULL
);
CREATE TABLE shop.price_lists (
    id serial PRIMARY KEY,
    zoho_pricebook_id varchar(32) NOT NULL UNIQUE,
    name varchar(200) NOT NULL,
    currency_id integer NOT NULL REFERENCES shop.currencies (id),
    is_active boolean NOT NULL
);
CREATE TABLE shop.price_list_items (
    id serial PRIMARY KEY,
    price_list_id integer NOT NULL REFERENCES shop.price_lists (id),
    product_id integer NOT NULL REFERENCES shop.products (id),
    price numeric(12, 2) NOT NULL
);
CREATE TABLE shop.staff (
    id serial PRIMARY KEY,
    zoho_user_id varchar(32) NOT NULL UNIQUE,
    full_name varchar(200) NOT NULL,
    email varchar(200) NOT NULL,
    role varchar(32),
    is_active boolean NOT NULL,
    branch_id integer NOT NULL REFERENCES shop.branches (id)
);
INSERT INTO shop.categories (code, name) VALUES ('GENERAL', 'General'), ('FOOD', 'Food');
INSERT INTO shop.branches (code) VALUES ('HQ'), ('NORTH');
INSERT INTO shop.currencies (code) VALUES ('IQD'), ('USD'), ('SAR'), ('EUR');
