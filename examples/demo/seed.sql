-- keel demo: some rows, so the environments differ in data but not in schema.
INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada'), ('lin@example.com', 'Lin');
INSERT INTO orders (user_id, total_cents) VALUES (1, 1250), (1, 990), (2, 4200);
UPDATE orders SET status = 'paid' WHERE id = 2;
