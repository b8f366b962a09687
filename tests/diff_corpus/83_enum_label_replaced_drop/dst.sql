CREATE TYPE st AS ENUM ('new','legacy','gone');
CREATE TABLE t (s st DEFAULT 'legacy');
