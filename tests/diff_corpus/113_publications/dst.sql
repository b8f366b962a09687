CREATE SCHEMA sales;
CREATE TABLE orders (id integer PRIMARY KEY, region text, total numeric);
CREATE TABLE customers (id integer PRIMARY KEY, name text, email text);
CREATE TABLE sales.quotes (id integer PRIMARY KEY);
CREATE PUBLICATION orders_pub FOR TABLE orders WHERE (region = 'eu'), TABLE customers (id, name) WITH (publish = 'insert, update');
COMMENT ON PUBLICATION orders_pub IS 'EU orders';
CREATE PUBLICATION everything FOR ALL TABLES WITH (publish_via_partition_root = true);
CREATE PUBLICATION sales_pub FOR TABLES IN SCHEMA sales;
