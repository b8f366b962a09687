CREATE TABLE tag (
    id    integer PRIMARY KEY,
    label text NOT NULL,
    slug  varchar(64) COLLATE "C",
    sort  text COLLATE "POSIX"
);
CREATE INDEX tag_label_idx ON tag (label);
INSERT INTO tag VALUES (1, 'Zeta', 'zeta', 'z'), (2, 'alpha', 'alpha', 'a');
