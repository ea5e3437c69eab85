-- One order placement, as db.PlaceOrder does it, for pgbench: the same
-- statements in the same order on the same tables as the same role, in
-- the same two round trips (db.inBatch sends each batch as a pipeline, so
-- they are pipelines here: the first begins the transaction and reads, the
-- second writes and commits), without Go, HTTP or the form. Variables:
-- :tenant, :product, :variant (set with -D). The transaction switches to
-- marquee_app in its first statement, as the app's does (the session
-- runs as marquee_app too, PGOPTIONS="-c role=marquee_app"). The
-- order's id is chosen by the client, as in the app: here an md5 of a
-- random number, the same in every statement of the transaction. The app
-- tells River's workers of a job at most once per 100 ms (about one order
-- in 50 at these rates): here one transaction in 50 does. The stock taken
-- tells the replicas the units left in the same statement, as the app's
-- VariantTake does (queries/orders.sql).
\set r random(1, 9223372036854775806)
\set notify :r % 50
\startpipeline
BEGIN;
SELECT set_config('role', 'marquee_app', true), set_config('app.tenant_id', :tenant::text, true);
SELECT * FROM orders WHERE tenant_id = :tenant AND idempotency_key = md5('key' || :r || :client_id)::uuid;
SELECT t.currency, t.closes_at, coalesce(s.ships, false), coalesce(s.attendee_can_cancel, true),
       coalesce(s.common_countries, '{}'), coalesce(s.reply_to, ''), coalesce(s.time_zone, 'Europe/Berlin'),
       coalesce(s.pickup_place, ''), coalesce(s.pickup_details, '')
  FROM tenants t LEFT JOIN storefront_settings s ON s.tenant_id = t.id WHERE t.id = :tenant;
SELECT * FROM products WHERE tenant_id = :tenant AND id = ANY(ARRAY[:product]::uuid[]);
SELECT * FROM variants WHERE tenant_id = :tenant AND id = ANY(ARRAY[:variant]::uuid[]);
SELECT EXISTS (
    SELECT 1 FROM suppliers s JOIN supplier_items i ON i.tenant_id = s.tenant_id AND i.supplier_id = s.id
    WHERE s.tenant_id = :tenant AND s.mode = 'per_order'
      AND (i.product_id = ANY(ARRAY[:product]::uuid[]) OR i.variant_id = ANY(ARRAY[:variant]::uuid[])));
\endpipeline
\startpipeline
INSERT INTO orders (id, tenant_id, number, idempotency_key, email, name, locale, status, answers, shipping_address, currency, total_minor)
  VALUES (md5('order' || :r || :client_id)::uuid, :tenant, upper(left(md5('number' || :r || :client_id), 9)), md5('key' || :r || :client_id)::uuid,
          'pgbench-' || :r || '@example.com', 'Bench', 'en', 'placed', '{}', NULL, 'EUR', 0)
  RETURNING created_at;
INSERT INTO order_items (tenant_id, order_id, position, product_id, variant_id, product_name, variant_label, quantity, unit_price_minor, answers)
  VALUES (:tenant, md5('order' || :r || :client_id)::uuid, 0, :product, :variant, '{"en":"Pen"}', '{"en":"Blue"}', 1, 0, '{}');
INSERT INTO order_status_history (tenant_id, order_id, status, note, actor, created_at)
  VALUES (:tenant, md5('order' || :r || :client_id)::uuid, 'placed', '', 'attendee', now());
WITH job AS (
    INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, tags, metadata)
    VALUES (jsonb_build_object('tenant_id', :tenant::text, 'order_number', 'BENCH', 'email_kind', 'order_confirmation', 'seq', 1),
            'order_email', 25, 1, 'default', 'available', now(), '{}', '{}')
    RETURNING queue)
SELECT pg_notify(current_schema() || '.river_insert', json_build_object('queue', queue)::text)
FROM job WHERE :notify = 0;
WITH added AS (
    INSERT INTO attendee_purchases AS ap (tenant_id, product_id, email, quantity)
    SELECT :tenant, :product, 'pgbench-' || :r || '@example.com', 1
    ON CONFLICT (tenant_id, product_id, email) DO UPDATE SET quantity = ap.quantity + EXCLUDED.quantity
    RETURNING 1)
SELECT order_check(EXISTS (SELECT 1 FROM added), 'over_attendee_limit');
WITH taken AS (
    UPDATE variants SET stock = stock - 1
    WHERE tenant_id = :tenant AND id = :variant AND (stock IS NULL OR stock >= 1)
    RETURNING tenant_id, id, stock)
SELECT order_check(EXISTS (SELECT 1 FROM taken), 'sold_out'),
       (SELECT pg_notify('tenant_changed', 'stock ' || tenant_id || ' ' || id || ' ' || stock)
        FROM taken WHERE stock IS NOT NULL);
COMMIT;
\endpipeline
