BEGIN;
CREATE TABLE "public"."measurement_2024" PARTITION OF "public"."measurement" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') WITH (fillfactor=90);
CREATE INDEX measurement_2024_value_idx ON public.measurement_2024 USING btree (value);
CREATE TABLE "public"."measurement_default" PARTITION OF "public"."measurement" DEFAULT;
ALTER TABLE "public"."measurement" ADD CONSTRAINT "measurement_pkey" PRIMARY KEY (id, logdate);
CREATE INDEX measurement_logdate_sensor_idx ON public.measurement USING btree (logdate, sensor_id);
COMMIT;
