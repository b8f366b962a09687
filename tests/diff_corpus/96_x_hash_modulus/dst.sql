create table h(id int) partition by hash (id);
create table h0 partition of h for values with (modulus 4, remainder 0);
create table h1 partition of h for values with (modulus 4, remainder 1);
create table h2 partition of h for values with (modulus 4, remainder 2);
create table h3 partition of h for values with (modulus 4, remainder 3);
