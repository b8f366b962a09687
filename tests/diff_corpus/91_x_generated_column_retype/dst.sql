CREATE TABLE g (id int primary key, a bigint, b int GENERATED ALWAYS AS (a * 2) STORED);
