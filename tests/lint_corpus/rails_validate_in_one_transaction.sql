-- The same constraints in one migration without disable_ddl_transaction!: NOT VALID buys nothing
ALTER TABLE "posts" ADD CONSTRAINT "fk_rails_5b5ddfd518" FOREIGN KEY ("user_id") REFERENCES "users" ("id") NOT VALID;
-- expect: validate-in-same-transaction
ALTER TABLE "posts" VALIDATE CONSTRAINT "fk_rails_5b5ddfd518";
ALTER TABLE "users" ADD CONSTRAINT "users_age_check" CHECK (age >= 0) NOT VALID;
-- expect: validate-in-same-transaction
ALTER TABLE "users" VALIDATE CONSTRAINT "users_age_check";
