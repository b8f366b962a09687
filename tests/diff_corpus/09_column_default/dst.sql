CREATE TABLE setting (
    id         integer PRIMARY KEY,
    key        text NOT NULL,
    value      text,                          -- default dropped
    retries    integer DEFAULT 3,             -- default set
    enabled    boolean DEFAULT true,          -- default changed (literal)
    updated_at timestamptz DEFAULT now()      -- default changed (literal -> expression)
);
