-- Rails 7, PostgreSQL adapter: add_reference :posts, :user, foreign_key: true
ALTER TABLE "posts" ADD "user_id" bigint;
-- expect: create-index-not-concurrent
CREATE INDEX "index_posts_on_user_id" ON "posts" ("user_id");
-- expect: foreign-key-without-not-valid
ALTER TABLE "posts" ADD CONSTRAINT "fk_rails_5b5ddfd518" FOREIGN KEY ("user_id") REFERENCES "users" ("id");
