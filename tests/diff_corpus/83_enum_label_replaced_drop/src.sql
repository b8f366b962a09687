-- An enum label replaced by another at the same place while a column
-- DEFAULT names it: the type is rebuilt (destructive), and the rebuild sets
-- each side's default itself (the other side's label is not valid then).
CREATE TYPE st AS ENUM ('new','old','gone');
CREATE TABLE t (s st DEFAULT 'old');
