CREATE SEQUENCE unused_seq;
CREATE SEQUENCE legacy_ref_seq START WITH 500;
CREATE TABLE widget (
    name       text NOT NULL,
    legacy_ref integer DEFAULT nextval('legacy_ref_seq')
);
ALTER SEQUENCE legacy_ref_seq OWNED BY widget.legacy_ref;
INSERT INTO widget (name) VALUES ('a'), ('b');
