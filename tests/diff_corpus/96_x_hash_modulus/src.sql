-- Hash partitions change modulus 2 -> 4: the bounds overlap in place; keel
-- must refuse.
create table h(id int) partition by hash (id);
create table h0 partition of h for values with (modulus 2, remainder 0);
create table h1 partition of h for values with (modulus 2, remainder 1);
