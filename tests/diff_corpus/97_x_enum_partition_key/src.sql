-- An enum whose label is removed is the LIST partition key: PostgreSQL
-- cannot retype the key column; keel must refuse.
create type color as enum ('red','green','blue');
create table m(id int, c color) partition by list (c);
create table m_r partition of m for values in ('red');
create table m_g partition of m for values in ('green');
