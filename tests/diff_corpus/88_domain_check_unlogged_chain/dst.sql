create function lim() returns bigint language sql immutable as 'select 100::bigint';
create domain d as int check (value < lim());
create table t(id int, v d);
create table p(id int primary key);
create table c(id int, pid int references p);
create unlogged table q(id int primary key);
create unlogged table child_d(id int, qid int references q);
