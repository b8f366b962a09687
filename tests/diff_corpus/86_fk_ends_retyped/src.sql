-- Both ends of foreign keys retyped (integer -> bigint and -> text, composite
-- and single-column: the key is dropped first and added again after both
-- ends changed), and a UNIQUE becoming a PRIMARY KEY of the same name under
-- a foreign key.
create table fk_p(a int, b int, primary key(a,b));
create table fk_c(id int primary key, pa int, pb int, foreign key (pa,pb) references fk_p(a,b) on update cascade);
insert into fk_p values (1,1); insert into fk_c values (1,1,1);
create table code_p(code int primary key);
create table code_c(id int, code int references code_p);
insert into code_p values (1); insert into code_c values (1,1);
create table key_t(id int not null, constraint t_key unique (id));
create table key_c(id int, tid int constraint c_fk references key_t(id));
