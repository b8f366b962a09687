-- address gains an attribute (ALTER TYPE ... ADD ATTRIBUTE needs CASCADE because a table
-- column uses the type); a new composite type is created and used by a function.
CREATE TYPE address AS (
    street text,
    city   text,
    zip    varchar(10)
);
COMMENT ON TYPE address IS 'Postal address';
CREATE TYPE money_amount AS (
    amount   numeric(12,2),
    currency char(3) COLLATE "C"
);
CREATE TABLE customer (
    id      integer PRIMARY KEY,
    home    address,
    balance money_amount
);
CREATE FUNCTION zero_eur() RETURNS money_amount
    LANGUAGE sql IMMUTABLE AS $$ SELECT ROW(0, 'EUR')::money_amount $$;
