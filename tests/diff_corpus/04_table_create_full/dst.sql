CREATE TABLE account (
    id    integer PRIMARY KEY,
    email text NOT NULL
);
INSERT INTO account VALUES (1, 'a@example.com');

CREATE TABLE "order" (
    id          bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 1 CACHE 10) PRIMARY KEY,
    account_id  integer NOT NULL REFERENCES account (id) ON DELETE RESTRICT,
    public_id   uuid NOT NULL DEFAULT gen_random_uuid(),
    reference   varchar(120) COLLATE "C" NOT NULL,
    "Status"    text NOT NULL DEFAULT 'new',
    quantity    integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
    unit_price  numeric(10,2) NOT NULL DEFAULT 0,
    total       numeric(12,2) GENERATED ALWAYS AS (quantity * unit_price) STORED,
    tags        text[] NOT NULL DEFAULT '{}',
    matrix      integer[][],
    attrs       jsonb,
    placed_at   timestamptz NOT NULL DEFAULT now(),
    ship_window tstzrange,
    notes       text COLLATE "POSIX",
    CONSTRAINT order_reference_key UNIQUE (reference),
    CONSTRAINT order_status_check CHECK ("Status" IN ('new', 'paid', 'shipped'))
);
COMMENT ON TABLE "order" IS 'Customer orders';
COMMENT ON COLUMN "order".reference IS 'External reference, byte-ordered';
COMMENT ON COLUMN "order".total IS 'Computed: quantity * unit_price';
