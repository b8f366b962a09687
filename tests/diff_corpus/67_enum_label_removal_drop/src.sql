CREATE TYPE status AS ENUM ('draft', 'review', 'published', 'archived');
CREATE TABLE post (
    id     integer PRIMARY KEY,
    status status NOT NULL DEFAULT 'draft'
);
