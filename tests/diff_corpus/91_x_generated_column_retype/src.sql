-- A column read by a generated column cannot change type in place: keel
-- must refuse and name it.
CREATE TABLE g (id int primary key, a int, b int GENERATED ALWAYS AS (a * 2) STORED);
