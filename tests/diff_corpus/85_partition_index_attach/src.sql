-- Partition indexes and parent indexes: a parent index is dropped while its
-- partition keeps the index that was attached to it (built again after the
-- parent's DROP took it along), and a new parent index takes over a
-- partition's existing index of the same shape (the reverse builds it
-- again).
CREATE TABLE reading (k integer, v integer) PARTITION BY RANGE (k);
CREATE TABLE reading_low PARTITION OF reading FOR VALUES FROM (0) TO (100);
CREATE INDEX reading_low_custom ON reading_low (v);
CREATE INDEX reading_v ON reading (v);
CREATE TABLE sample (k integer, v integer) PARTITION BY RANGE (k);
CREATE TABLE sample_low PARTITION OF sample FOR VALUES FROM (0) TO (100);
CREATE INDEX sample_low_custom ON sample_low (v);
INSERT INTO reading VALUES (1, 1);
INSERT INTO sample VALUES (1, 1);
