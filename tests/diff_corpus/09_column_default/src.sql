CREATE TABLE setting (
    id         integer PRIMARY KEY,
    key        text NOT NULL,
    value      text DEFAULT 'unset',
    retries    integer,
    enabled    boolean DEFAULT false,
    updated_at timestamptz DEFAULT '2000-01-01 00:00:00+00'
);
INSERT INTO setting (id, key) VALUES (1, 'a'), (2, 'b');
