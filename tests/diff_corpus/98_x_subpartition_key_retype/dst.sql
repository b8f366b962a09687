create table m(id bigint, k int, primary key (id, k)) partition by list (k);
create table m1 partition of m for values in (1);
create table m2 partition of m for values in (2) partition by hash (id);
create table m2a partition of m2 for values with (modulus 2, remainder 0);
create table m2b partition of m2 for values with (modulus 2, remainder 1);
create table ref(id int, mid bigint, mk int, foreign key (mid, mk) references m);
