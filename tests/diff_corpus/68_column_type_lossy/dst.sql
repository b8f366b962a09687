CREATE TABLE invoice (
    id        integer PRIMARY KEY,
    code      varchar(20) NOT NULL,          -- shorter limit
    amount    numeric(12, 0) DEFAULT 0,      -- scale down (default dropped and set around it)
    issued_at date NOT NULL DEFAULT now(),   -- timestamp -> date
    qty       integer                        -- numeric -> integer
);
