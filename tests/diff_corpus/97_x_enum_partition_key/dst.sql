create type color as enum ('red','green');
create table m(id int, c color) partition by list (c);
create table m_r partition of m for values in ('red');
create table m_g partition of m for values in ('green');
