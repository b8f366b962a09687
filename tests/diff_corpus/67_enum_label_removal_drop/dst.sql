-- 'review' removed: PostgreSQL cannot drop an enum label, so keel rebuilds the type (destructive: refused without --allow-destructive).
CREATE TYPE status AS ENUM ('draft', 'published', 'archived');
CREATE TABLE post (
    id     integer PRIMARY KEY,
    status status NOT NULL DEFAULT 'draft'
);
