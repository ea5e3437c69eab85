-- One order placement, as db.PlaceOrder does it, for pgbench: the same
-- statements in the same order on the same tables as the same role, in
-- the same round trips (db.inBatch sends its batches as a pipeline, so
-- they are pipelines here), without Go, HTTP or the form. Variables:
-- :tenant, :product, :variant (set with -D). The session runs as
-- marquee_app (PGOPTIONS="-c role=marquee_app"), as the pool does. The
-- order's id is chosen by the client, as in the app: here an md5 of a
-- random number, the same in every statement of the transaction.
\set r random(1, 9223372036854775806)
BEGIN;
\startpipeline
SELECT set_config('app.tenant_id', :tenant::text, true);
SELECT * FROM orders WHERE tenant_id = :tenant AND idempotency_key = md5('key' || :r || :client_id)::uuid;
SELECT t.currency, t.closes_at, coalesce(s.ships, false), coalesce(s.attendee_can_cancel, true),
       coalesce(s.common_countries, '{}'), coalesce(s.reply_to, ''), coalesce(s.time_zone, 'Europe/Berlin'),
       coalesce(s.pickup_place, ''), coalesce(s.pickup_details, '')
  FROM tenants t LEFT JOIN storefront_settings s ON s.tenant_id = t.id WHERE t.id = :tenant;
SELECT * FROM products WHERE tenant_id = :tenant AND id = ANY(ARRAY[:product]::uuid[]);
SELECT * FROM variants WHERE tenant_id = :tenant AND id = ANY(ARRAY[:variant]::uuid[]);
\endpipeline
-- The Events hook (storefront/notify/jobs): whether the event has
-- per-order suppliers, then the confirmation job as River inserts it.
SELECT EXISTS (SELECT 1 FROM suppliers WHERE tenant_id = :tenant AND mode = 'per_order');
INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, tags, metadata)
  VALUES (jsonb_build_object('tenant_id', :tenant::text, 'order_number', 'BENCH', 'email_kind', 'order_confirmation', 'seq', 1), 'order_email', 25, 1, 'default', 'available', now(), '{}', '{}')
  RETURNING id;
SELECT pg_notify('river_insert', '{"queue":"default"}');
\startpipeline
INSERT INTO orders (id, tenant_id, number, idempotency_key, email, name, locale, status, answers, currency, total_minor)
  VALUES (md5('order' || :r || :client_id)::uuid, :tenant, upper(left(md5('number' || :r || :client_id), 9)), md5('key' || :r || :client_id)::uuid,
          'pgbench-' || :r || '@example.com', 'Bench', 'en', 'placed', '{}', 'EUR', 0)
  ON CONFLICT DO NOTHING RETURNING *;
INSERT INTO order_items (tenant_id, order_id, position, product_id, variant_id, product_name, variant_label, quantity, unit_price_minor, answers)
  VALUES (:tenant, md5('order' || :r || :client_id)::uuid, 0, :product, :variant, '{"en":"Pen"}', '{"en":"Blue"}', 1, 0, '{}');
INSERT INTO order_status_history (tenant_id, order_id, status, note, actor, created_at)
  VALUES (:tenant, md5('order' || :r || :client_id)::uuid, 'placed', '', 'attendee', now());
INSERT INTO attendee_purchases AS ap (tenant_id, product_id, email, quantity)
  SELECT :tenant, :product, 'pgbench-' || :r || '@example.com', 1
  ON CONFLICT (tenant_id, product_id, email) DO UPDATE SET quantity = ap.quantity + EXCLUDED.quantity RETURNING quantity;
UPDATE variants SET stock = stock - 1 WHERE tenant_id = :tenant AND id = :variant AND (stock IS NULL OR stock >= 1) RETURNING id;
\endpipeline
COMMIT;
