-- Monthly partition maintenance and reporting views, as written by hand
-- expect: detach-partition-not-concurrent
ALTER TABLE measurements DETACH PARTITION measurements_2020_01;
-- expect: attach-partition
ALTER TABLE measurements ATTACH PARTITION measurements_2025_01 FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
CREATE TABLE measurements_2025_02 (LIKE measurements INCLUDING ALL);
ALTER TABLE measurements ATTACH PARTITION measurements_2025_02 FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
-- expect: refresh-materialized-view-not-concurrent
REFRESH MATERIALIZED VIEW monthly_totals;
-- expect: set-tablespace
ALTER TABLE measurements_2019_12 SET TABLESPACE archive;
