DROP TABLE order_lines;
DROP TABLE products;
