CREATE TYPE level AS ENUM ('low', 'high');
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE reading (
    id    integer PRIMARY KEY,
    level level NOT NULL,
    moods mood[]
);
INSERT INTO reading VALUES (1, 'low', '{sad}'), (2, 'high', '{happy,sad}');
