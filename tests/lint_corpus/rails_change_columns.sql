-- Rails 7: add_column with a default, change_column_null, change_column, rename_column
ALTER TABLE "users" ADD "active" boolean DEFAULT TRUE NOT NULL;
-- expect: set-not-null
ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;
-- expect: alter-column-type
ALTER TABLE "users" ALTER COLUMN "login_count" TYPE bigint;
-- expect: rename-column
ALTER TABLE "users" RENAME COLUMN "name" TO "full_name";
-- expect: add-column-volatile-default
ALTER TABLE "users" ADD "uuid" uuid DEFAULT gen_random_uuid() NOT NULL;
