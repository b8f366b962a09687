CREATE DOMAIN email AS text
    NOT NULL                                                   -- NOT NULL added
    CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%')
    CONSTRAINT email_lower CHECK (VALUE = lower(VALUE));       -- check added
CREATE DOMAIN percent AS integer
    DEFAULT 100                                                -- default changed
    CONSTRAINT percent_range CHECK (VALUE BETWEEN 0 AND 100);  -- percent_even dropped
CREATE DOMAIN code AS varchar(10) COLLATE "C";                 -- default added
ALTER DOMAIN code SET DEFAULT 'NONE';
CREATE DOMAIN us_postal AS text                                -- new domain
    CONSTRAINT us_postal_format CHECK (VALUE ~ '^\d{5}$' OR VALUE ~ '^\d{5}-\d{4}$');
COMMENT ON DOMAIN us_postal IS 'US ZIP code';
CREATE TABLE contact (
    id       integer PRIMARY KEY,
    mail     email,
    progress percent,
    ref      code,
    zip      us_postal
);
