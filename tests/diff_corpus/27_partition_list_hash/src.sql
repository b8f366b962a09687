CREATE TABLE region (
    code text PRIMARY KEY
);
INSERT INTO region VALUES ('eu'), ('us');
