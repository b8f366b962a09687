CREATE SCHEMA sales;
CREATE TABLE orders (id integer PRIMARY KEY, region text, total numeric);
CREATE TABLE customers (id integer PRIMARY KEY, name text, email text);
CREATE TABLE sales.quotes (id integer PRIMARY KEY);
CREATE PUBLICATION orders_pub FOR TABLE orders;
CREATE PUBLICATION everything FOR ALL TABLES;
CREATE PUBLICATION gone FOR TABLE customers;
