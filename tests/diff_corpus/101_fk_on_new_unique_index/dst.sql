CREATE TABLE p (id int PRIMARY KEY, code text, a int, b int);
CREATE UNIQUE INDEX p_code_idx ON p (code);
-- Columns in another order than the key's.
CREATE UNIQUE INDEX p_ba_idx ON p (b, a);
CREATE TABLE c (id int, code text REFERENCES p (code), a int, b int,
                FOREIGN KEY (a, b) REFERENCES p (a, b), fresh text REFERENCES p (code));
INSERT INTO p VALUES (1, 'one', 1, 2), (2, 'two', 3, 4);
INSERT INTO c VALUES (1, 'one', 1, 2), (2, NULL, 3, 4);
