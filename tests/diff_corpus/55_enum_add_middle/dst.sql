-- ALTER TYPE level ADD VALUE 'medium' BEFORE 'high' / AFTER 'low', plus 'critical' at the end,
-- and 'ok' after 'sad' in mood (new labels in the middle: order matters, sortorder floats).
CREATE TYPE level AS ENUM ('low', 'medium', 'high', 'critical');
CREATE TYPE mood AS ENUM ('angry', 'sad', 'ok', 'happy');
CREATE TABLE reading (
    id    integer PRIMARY KEY,
    level level NOT NULL,
    moods mood[]
);
