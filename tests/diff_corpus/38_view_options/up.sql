BEGIN;
DROP VIEW "public"."my_secret";
DROP VIEW "public"."public_secret";
DROP VIEW "public"."writable_secret";
CREATE VIEW "public"."my_secret" WITH (check_option=cascaded) AS
 SELECT secret.id,
    secret.value
   FROM public.secret
  WHERE secret.owner = CURRENT_USER;
CREATE VIEW "public"."public_secret" WITH (security_barrier=true, security_invoker=true) AS
 SELECT secret.id,
    secret.value
   FROM public.secret
  WHERE secret.public;
CREATE VIEW "public"."writable_secret" WITH (check_option=cascaded) AS
 SELECT secret.id,
    secret.owner,
    secret.public,
    secret.value
   FROM public.secret
  WHERE secret.public;
COMMIT;
