CREATE TABLE reading (k integer, v integer) PARTITION BY RANGE (k);
CREATE TABLE reading_low PARTITION OF reading FOR VALUES FROM (0) TO (100);
CREATE INDEX reading_low_custom ON reading_low (v);
CREATE TABLE sample (k integer, v integer) PARTITION BY RANGE (k);
CREATE TABLE sample_low PARTITION OF sample FOR VALUES FROM (0) TO (100);
CREATE INDEX sample_low_custom ON sample_low (v);
CREATE INDEX sample_v ON sample (v);
