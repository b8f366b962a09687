-- Columns that become NOT NULL whose names share their first 49+ bytes (the
-- helper CHECK names are cut to 63 bytes), one exactly 63 bytes long, two
-- of two-byte characters, and helper names already taken by constraints.
CREATE TABLE t (
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_alpha" int,
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_beta" int,
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_gamma" int,
  "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy" int,
  "ééééééééééééééééééééééééééééééa" int,
  "ééééééééééééééééééééééééééééééb" int,
  "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz_k" int,
  CONSTRAINT "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_keel_not_null" CHECK (true),
  CONSTRAINT "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz_keel_not_null" CHECK (true)
);
CREATE TABLE t2 ("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_alpha" int, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_beta" int);
INSERT INTO t VALUES (1, 1, 1, 1, 1, 1, 1);
INSERT INTO t2 VALUES (1, 2);
