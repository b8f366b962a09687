BEGIN;
DROP PUBLICATION "gone";
ALTER PUBLICATION "everything" SET (publish = 'insert, update, delete, truncate', publish_via_partition_root = true);
ALTER PUBLICATION "orders_pub" SET TABLE public.customers (id, name), TABLE public.orders WHERE ((region = 'eu'::text));
ALTER PUBLICATION "orders_pub" SET (publish = 'insert, update', publish_via_partition_root = false);
COMMENT ON PUBLICATION "orders_pub" IS 'EU orders';
CREATE PUBLICATION "sales_pub" FOR TABLES IN SCHEMA sales WITH (publish = 'insert, update, delete, truncate', publish_via_partition_root = false);
COMMIT;
