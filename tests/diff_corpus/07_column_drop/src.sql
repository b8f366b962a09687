CREATE TABLE person (
    id         integer PRIMARY KEY,
    name       text NOT NULL,
    nickname   text,
    fax        text,
    age        integer,
    legacy_ref integer,
    email      text,
    CONSTRAINT person_age_check CHECK (age >= 0),
    CONSTRAINT person_name_age_check CHECK (name <> '' OR age IS NULL)
);
CREATE INDEX person_legacy_ref_idx ON person (legacy_ref);
CREATE INDEX person_name_fax_idx ON person (name, fax);
COMMENT ON COLUMN person.fax IS 'nobody uses this';
INSERT INTO person VALUES (1, 'Ann', 'annie', NULL, 31, 7, 'ann@example.com');
