-- A column of a table whose row type another table stores changes type:
-- PostgreSQL cannot; keel must refuse.
CREATE TABLE item (id int, qty int);
CREATE TABLE snap (id int, it item);
