BEGIN;
--
-- Remove field subtitle from book
--
-- expect: drop-column
ALTER TABLE "library_book" DROP COLUMN "subtitle" CASCADE;
--
-- Rename model Author to Writer
--
-- expect: rename-table
ALTER TABLE "library_author" RENAME TO "library_writer";
--
-- Alter field pages on book (IntegerField to BigIntegerField)
--
-- expect: alter-column-type
ALTER TABLE "library_book" ALTER COLUMN "pages" TYPE bigint USING "pages"::bigint;
COMMIT;
