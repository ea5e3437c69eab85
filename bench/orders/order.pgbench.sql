-- One order placement, as db.PlaceOrder does it, for pgbench: the same
-- statements in the same order on the same tables as the same role, without
-- Go, HTTP or the form. Variables: :tenant, :product, :variant (set with
-- -D). The session runs as marquee_app (PGOPTIONS="-c role=marquee_app"),
-- as the pool does.
BEGIN;
SELECT set_config('app.tenant_id', :tenant::text, true);
SELECT id FROM orders WHERE tenant_id = :tenant AND idempotency_key = (SELECT gen_random_uuid()); -- a parameter, as in the app: the index is used
SELECT t.currency, t.closes_at, coalesce(s.ships, false), coalesce(s.attendee_can_cancel, true)
  FROM tenants t LEFT JOIN storefront_settings s ON s.tenant_id = t.id WHERE t.id = :tenant;
SELECT * FROM products WHERE tenant_id = :tenant AND id = ANY(ARRAY[:product]::uuid[]);
SELECT * FROM variants WHERE tenant_id = :tenant AND id = ANY(ARRAY[:variant]::uuid[]);
INSERT INTO orders (tenant_id, number, idempotency_key, email, name, locale, status, answers, currency, total_minor)
  VALUES (:tenant, upper(left(replace(gen_random_uuid()::text, '-', ''), 9)), gen_random_uuid(),
          'pgbench-' || gen_random_uuid() || '@example.com', 'Bench', 'en', 'placed', '{}', 'EUR', 0)
  ON CONFLICT DO NOTHING RETURNING id \gset
INSERT INTO order_items (tenant_id, order_id, position, product_id, variant_id, product_name, variant_label, quantity, unit_price_minor, answers)
  VALUES (:tenant, :id, 0, :product, :variant, '{"en":"Pen"}', '{"en":"Blue"}', 1, 0, '{}');
INSERT INTO order_status_history (tenant_id, order_id, status, note, actor) VALUES (:tenant, :id, 'placed', '', 'attendee');
SELECT * FROM orders WHERE tenant_id = :tenant AND id = :id;
SELECT * FROM order_items WHERE tenant_id = :tenant AND order_id = :id ORDER BY position;
SELECT * FROM order_status_history WHERE tenant_id = :tenant AND order_id = :id ORDER BY id;
-- The order's email jobs (storefront/notify/jobs), as River inserts them.
INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, tags, metadata)
  VALUES (jsonb_build_object('tenant_id', :tenant::text, 'order_number', 'BENCH', 'email_kind', 'order_confirmation', 'seq', 1), 'order_email', 25, 1, 'default', 'available', now(), '{}', '{}'),
         (jsonb_build_object('tenant_id', :tenant::text, 'order_number', 'BENCH'), 'supplier_order', 25, 1, 'default', 'available', now(), '{}', '{}')
  RETURNING id;
SELECT pg_notify('river_insert', '{"queue":"default"}');
INSERT INTO attendee_purchases AS ap (tenant_id, product_id, email, quantity)
  SELECT :tenant, :product, 'pgbench-' || :id::text || '@example.com', 1
  ON CONFLICT (tenant_id, product_id, email) DO UPDATE SET quantity = ap.quantity + EXCLUDED.quantity RETURNING quantity;
UPDATE variants SET stock = stock - 1 WHERE tenant_id = :tenant AND id = :variant AND (stock IS NULL OR stock >= 1) RETURNING id;
COMMIT;
