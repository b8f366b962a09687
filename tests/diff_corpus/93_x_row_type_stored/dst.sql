CREATE TABLE item (id int, qty bigint, note text);
CREATE TABLE snap (id int, it item);
