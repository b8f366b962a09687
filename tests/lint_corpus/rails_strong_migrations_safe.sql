-- keel:no-transaction
-- strong_migrations' safe forms (disable_ddl_transaction!): each statement commits on its own
-- expect: non-transactional-mix
CREATE INDEX CONCURRENTLY "index_users_on_email" ON "users" ("email");
ALTER TABLE "users" ADD CONSTRAINT "users_email_null" CHECK ("email" IS NOT NULL) NOT VALID;
ALTER TABLE "users" VALIDATE CONSTRAINT "users_email_null";
ALTER TABLE "posts" ADD CONSTRAINT "fk_rails_5b5ddfd518" FOREIGN KEY ("user_id") REFERENCES "users" ("id") NOT VALID;
ALTER TABLE "posts" VALIDATE CONSTRAINT "fk_rails_5b5ddfd518";
