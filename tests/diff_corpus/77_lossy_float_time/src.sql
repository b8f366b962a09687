-- Type changes that round without an error: float -> integer, numeric ->
-- double precision, double precision -> real, fractional seconds 6 -> 0 on
-- timestamp and time. All destructive (refused without --allow-destructive).
CREATE TABLE m (f double precision, ts timestamp, n numeric(20,10), tm time, r double precision);
INSERT INTO m VALUES (1.7, '2024-01-01 10:00:00.987654', 1.0123456789, '10:00:00.75', 0.12345678901234);
