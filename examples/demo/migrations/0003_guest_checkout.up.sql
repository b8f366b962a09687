-- keel demo: guest checkout. Orders placed without an account belong to user 0.
INSERT OR IGNORE INTO users (id, email, name) VALUES (0, 'guest@shop.example', 'Guest checkout');
