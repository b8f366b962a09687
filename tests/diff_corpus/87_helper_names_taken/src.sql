-- keel's helper names already taken or too long: a type named
-- color__keel_old (the enum rebuild picks another), a constraint named
-- a_keel_not_null (the NOT NULL check picks another), a 63-character enum
-- rebuilt and a 63-character column given NOT NULL (names cut before the
-- suffix).
create type color as enum ('red','green','blue');
create type color__keel_old as enum ('x');
create table t(id int, c color, a int);
create table t__keel_old(id int);
alter table t add constraint t_a_keel_not_null check (a is not null) not valid;
create table t2(id int, a int, b int);
insert into t2 values (1,1,1);
alter table t2 add constraint a_keel_not_null check (b > 0);
alter table t2 add constraint t_a_keel_not_null check (b > -1);
create table tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt1(id int, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2 int);
create type eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee as enum ('a','b','c');
create table u(id int, e eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee);
insert into tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt1 values (1,1);
