CREATE TABLE m (f integer, ts timestamp(0), n double precision, tm time(0), r real);
