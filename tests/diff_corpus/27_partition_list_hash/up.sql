BEGIN;
CREATE TABLE "public"."sale" (
  "id" bigint NOT NULL,
  "region" text,
  "sold_at" timestamp with time zone NOT NULL,
  "amount" numeric(12,2) DEFAULT 0 NOT NULL
) PARTITION BY LIST (region);
CREATE INDEX sale_sold_at_idx ON public.sale USING btree (sold_at);
CREATE TABLE "public"."session" (
  "id" uuid NOT NULL,
  "user_id" integer NOT NULL,
  "data" jsonb,
  CONSTRAINT "session_pkey" PRIMARY KEY (id)
) PARTITION BY HASH (id);
CREATE TABLE "public"."sale_eu" PARTITION OF "public"."sale" FOR VALUES IN ('eu', 'uk');
CREATE TABLE "public"."sale_none" PARTITION OF "public"."sale" FOR VALUES IN (NULL);
CREATE TABLE "public"."sale_us" PARTITION OF "public"."sale" FOR VALUES IN ('us') PARTITION BY RANGE (sold_at);
CREATE TABLE "public"."session_p0" PARTITION OF "public"."session" FOR VALUES WITH (modulus 2, remainder 0);
CREATE TABLE "public"."session_p1" PARTITION OF "public"."session" FOR VALUES WITH (modulus 2, remainder 1);
CREATE TABLE "public"."sale_us_2024" PARTITION OF "public"."sale_us" FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE "public"."sale_us_old" PARTITION OF "public"."sale_us" FOR VALUES FROM (MINVALUE) TO ('2024-01-01 00:00:00+00');
ALTER TABLE "public"."sale" ADD CONSTRAINT "sale_region_fk" FOREIGN KEY (region) REFERENCES public.region(code);
COMMIT;
