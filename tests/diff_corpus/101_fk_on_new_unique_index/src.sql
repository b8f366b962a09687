-- Foreign keys on a unique index created in the same change (a standalone
-- index, not a constraint): the index must stand before the key is added,
-- and the key must go before the index on the way back.
CREATE TABLE p (id int PRIMARY KEY, code text, a int, b int);
CREATE TABLE c (id int, code text, a int, b int);
INSERT INTO p VALUES (1, 'one', 1, 2), (2, 'two', 3, 4);
INSERT INTO c VALUES (1, 'one', 1, 2), (2, NULL, 3, 4);
