-- A domain CHECK calling a function whose result type changes (dropped
-- first, added again after), and persistence changes along foreign keys
-- (SET LOGGED referenced tables first, SET UNLOGGED referencing ones first).
create function lim() returns int language sql immutable as 'select 100';
create domain d as int check (value < lim());
create table t(id int, v d);
insert into t values (1, 5);
create unlogged table p(id int primary key);
create unlogged table c(id int, pid int references p);
create table q(id int primary key);
create table child_d(id int, qid int references q);
