BEGIN;
DROP PUBLICATION "sales_pub";
ALTER PUBLICATION "orders_pub" SET TABLE public.orders;
ALTER PUBLICATION "orders_pub" SET (publish = 'insert, update, delete, truncate', publish_via_partition_root = false);
COMMENT ON PUBLICATION "orders_pub" IS NULL;
ALTER PUBLICATION "everything" SET (publish = 'insert, update, delete, truncate', publish_via_partition_root = false);
CREATE PUBLICATION "gone" FOR TABLE public.customers WITH (publish = 'insert, update, delete, truncate', publish_via_partition_root = false);
COMMIT;
