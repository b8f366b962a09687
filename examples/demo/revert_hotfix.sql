-- keel demo: prod's hand-made hotfix undone, so prod matches the others again.
CREATE INDEX orders_user_id_idx ON orders (user_id);
ALTER TABLE users DROP COLUMN phone;
