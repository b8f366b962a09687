CREATE TABLE tag (
    id    integer PRIMARY KEY,
    label text COLLATE "C" NOT NULL,   -- default -> "C" (index must be rebuilt)
    slug  varchar(64),                 -- "C" -> default
    sort  text COLLATE "C"             -- "POSIX" -> "C"
);
CREATE INDEX tag_label_idx ON tag (label);
