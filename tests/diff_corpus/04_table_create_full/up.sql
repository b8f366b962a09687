BEGIN;
CREATE TABLE "public"."order" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 10),
  "account_id" integer NOT NULL,
  "public_id" uuid DEFAULT gen_random_uuid() NOT NULL,
  "reference" character varying(120) COLLATE pg_catalog."C" NOT NULL,
  "Status" text DEFAULT 'new'::text NOT NULL,
  "quantity" integer DEFAULT 1 NOT NULL,
  "unit_price" numeric(10,2) DEFAULT 0 NOT NULL,
  "total" numeric(12,2) GENERATED ALWAYS AS (((quantity)::numeric * unit_price)) STORED,
  "tags" text[] DEFAULT '{}'::text[] NOT NULL,
  "matrix" integer[],
  "attrs" jsonb,
  "placed_at" timestamp with time zone DEFAULT now() NOT NULL,
  "ship_window" tstzrange,
  "notes" text COLLATE pg_catalog."POSIX",
  CONSTRAINT "order_pkey" PRIMARY KEY (id),
  CONSTRAINT "order_quantity_check" CHECK ((quantity > 0)),
  CONSTRAINT "order_reference_key" UNIQUE (reference),
  CONSTRAINT "order_status_check" CHECK (("Status" = ANY (ARRAY['new'::text, 'paid'::text, 'shipped'::text])))
);
COMMENT ON TABLE "public"."order" IS 'Customer orders';
COMMENT ON COLUMN "public"."order"."reference" IS 'External reference, byte-ordered';
COMMENT ON COLUMN "public"."order"."total" IS 'Computed: quantity * unit_price';
ALTER TABLE "public"."order" ADD CONSTRAINT "order_account_id_fkey" FOREIGN KEY (account_id) REFERENCES public.account(id) ON DELETE RESTRICT;
COMMIT;
