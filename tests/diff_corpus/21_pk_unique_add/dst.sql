CREATE TABLE country (
    code char(2) PRIMARY KEY,            -- ADD PRIMARY KEY also makes the column NOT NULL
    name text NOT NULL,
    CONSTRAINT country_name_key UNIQUE (name)
);
CREATE TABLE subscriber (
    id     integer NOT NULL,
    email  text,
    handle text,
    phone  text,
    CONSTRAINT subscriber_pkey PRIMARY KEY (id),
    CONSTRAINT subscriber_email_key UNIQUE NULLS NOT DISTINCT (email),   -- PG15
    CONSTRAINT subscriber_handle_phone_key UNIQUE (handle, phone) DEFERRABLE INITIALLY DEFERRED
);
