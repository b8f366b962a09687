-- keel:no-transaction (new enum values must be committed before they are used)
ALTER TYPE "public"."level" ADD VALUE IF NOT EXISTS 'medium' BEFORE 'high';
ALTER TYPE "public"."level" ADD VALUE IF NOT EXISTS 'critical';
ALTER TYPE "public"."mood" ADD VALUE IF NOT EXISTS 'angry' BEFORE 'sad';
ALTER TYPE "public"."mood" ADD VALUE IF NOT EXISTS 'ok' BEFORE 'happy';
