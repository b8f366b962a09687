CREATE TABLE line_items (
  id integer PRIMARY KEY,
  qty integer NOT NULL,
  price numeric(12,2) NOT NULL,
  total numeric GENERATED ALWAYS AS (qty * price * 1.2) STORED
);
CREATE INDEX line_items_total_idx ON line_items (total);
ALTER TABLE line_items ADD CONSTRAINT line_items_total_check CHECK (total >= 0);
COMMENT ON COLUMN line_items.total IS 'with tax';
INSERT INTO line_items VALUES (1, 2, 5.00), (2, 1, 7.50);
CREATE VIEW big_items AS SELECT id, total FROM line_items WHERE total > 10;
