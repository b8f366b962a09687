BEGIN;
--
-- Add field author to book (Django 4.2 sqlmigrate)
--
-- expect: foreign-key-without-not-valid
ALTER TABLE "library_book" ADD COLUMN "author_id" bigint NULL CONSTRAINT "library_book_author_id_8f5a2c1e_fk_library_author_id" REFERENCES "library_author"("id") DEFERRABLE INITIALLY DEFERRED; SET CONSTRAINTS "library_book_author_id_8f5a2c1e_fk_library_author_id" IMMEDIATE;
-- expect: create-index-not-concurrent
CREATE INDEX "library_book_author_id_8f5a2c1e" ON "library_book" ("author_id");
--
-- Add field in_print to book (a NOT NULL field with a default, dropped again)
--
ALTER TABLE "library_book" ADD COLUMN "in_print" boolean DEFAULT true NOT NULL; ALTER TABLE "library_book" ALTER COLUMN "in_print" DROP DEFAULT;
--
-- Alter field isbn on book (unique=True)
--
-- expect: unique-without-index
ALTER TABLE "library_book" ADD CONSTRAINT "library_book_isbn_key" UNIQUE ("isbn");
-- expect: create-index-not-concurrent
CREATE INDEX "library_book_isbn_1b2d3f_like" ON "library_book" ("isbn" varchar_pattern_ops);
COMMIT;
