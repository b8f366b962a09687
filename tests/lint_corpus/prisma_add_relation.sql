-- AlterTable
-- expect: add-column-not-null-no-default
ALTER TABLE "User" ADD COLUMN "name" TEXT NOT NULL;

-- AlterTable
ALTER TABLE "Post" ADD COLUMN "authorId" INTEGER;

-- CreateIndex
-- expect: create-index-not-concurrent
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- AddForeignKey
-- expect: foreign-key-without-not-valid
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AlterTable
-- expect: alter-column-type
ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE BIGINT;

-- RenameIndex
ALTER INDEX "Post_title_idx" RENAME TO "Post_title_key";
