-- The retyped column is the HASH key of a sub-partition: PostgreSQL cannot;
-- keel must refuse.
create table m(id int, k int, primary key (id, k)) partition by list (k);
create table m1 partition of m for values in (1);
create table m2 partition of m for values in (2) partition by hash (id);
create table m2a partition of m2 for values with (modulus 2, remainder 0);
create table m2b partition of m2 for values with (modulus 2, remainder 1);
create table ref(id int, mid int, mk int, foreign key (mid, mk) references m);
insert into m values (1,1),(2,2); insert into ref values (1,1,1);
