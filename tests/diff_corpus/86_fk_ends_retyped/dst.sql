create table fk_p(a bigint, b text, primary key(a,b));
create table fk_c(id int primary key, pa bigint, pb text, foreign key (pa,pb) references fk_p(a,b) on update cascade);
create table code_p(code text primary key);
create table code_c(id int, code text references code_p);
create table key_t(id int not null, constraint t_key primary key (id));
create table key_c(id int, tid int constraint c_fk references key_t(id));
