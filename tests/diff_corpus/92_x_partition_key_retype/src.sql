-- The partition key column changes type: PostgreSQL cannot; keel must refuse.
CREATE TABLE p (k int, v text) PARTITION BY RANGE (k);
CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (100);
