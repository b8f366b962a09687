CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');   -- values appended
CREATE TYPE payment_method AS ENUM ('card', 'cash', 'transfer');            -- new enum
COMMENT ON TYPE payment_method IS 'How an order was paid';
CREATE TABLE orders (
    id     integer PRIMARY KEY,
    status order_status NOT NULL DEFAULT 'new',
    method payment_method,
    CONSTRAINT orders_method_check CHECK (method IS DISTINCT FROM 'transfer' OR status <> 'new')
);
