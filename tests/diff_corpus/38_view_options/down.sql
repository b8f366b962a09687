BEGIN;
DROP VIEW "public"."writable_secret";
DROP VIEW "public"."public_secret";
DROP VIEW "public"."my_secret";
CREATE VIEW "public"."writable_secret" WITH (check_option=local) AS
 SELECT secret.id,
    secret.owner,
    secret.public,
    secret.value
   FROM public.secret
  WHERE secret.public;
CREATE VIEW "public"."public_secret" AS
 SELECT secret.id,
    secret.value
   FROM public.secret
  WHERE secret.public;
CREATE VIEW "public"."my_secret" WITH (security_barrier=true) AS
 SELECT secret.id,
    secret.value
   FROM public.secret
  WHERE secret.owner = CURRENT_USER;
COMMIT;
