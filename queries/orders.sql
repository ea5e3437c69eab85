-- name: OrderGetByIdempotencyKey :one
SELECT * FROM orders WHERE tenant_id = @tenant_id::uuid AND idempotency_key = @key::uuid;

-- name: OrderGetByNumber :one
SELECT * FROM orders WHERE tenant_id = @tenant_id::uuid AND number = @number::text;

-- name: OrderGetByNumberForUpdate :one
SELECT * FROM orders WHERE tenant_id = @tenant_id::uuid AND number = @number::text FOR UPDATE;

-- name: TenantSet :exec
-- Confines the transaction to one tenant (row-level security) as the app
-- role, for this transaction only: the connection keeps its login role,
-- since behind a transaction pooler the next transaction may be another
-- client's. The first statement of every tenant transaction (InTenant, the
-- one-trip reads, an order's first batch).
SELECT set_config('role', 'marquee_app', true), set_config('app.tenant_id', @tenant_id::text, true);

-- name: OrderInsert :one
-- The order's id comes from the caller, so its items can be written in
-- the same batch. A unique violation (the idempotency key or, rarely, the
-- number taken by an order committed meanwhile) fails the transaction,
-- which is tried again and finds that order.
INSERT INTO orders (id, tenant_id, number, idempotency_key, email, name, locale, status, answers,
                    shipping_address, currency, total_minor, payment_state, hold_expires_at)
VALUES (@id::uuid, @tenant_id::uuid, @number::text, @idempotency_key::uuid, @email::text, @name::text,
        @locale::text, @status::text, @answers::jsonb, sqlc.narg('shipping_address')::jsonb,
        @currency::text, @total_minor::bigint, @payment_state::text, sqlc.narg('hold_expires_at')::timestamptz)
RETURNING created_at;

-- name: OrderTxBegin :exec
-- An order's transaction begins in its first batch.
BEGIN;

-- name: OrderTxCommit :exec
-- ... and commits at the end of its last.
COMMIT;

-- name: OrderSetStatus :exec
UPDATE orders SET status = @status::text WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: OrderItemInsert :exec
INSERT INTO order_items (tenant_id, order_id, position, product_id, variant_id, product_name,
                         variant_label, quantity, unit_price_minor, answers)
VALUES (@tenant_id::uuid, @order_id::uuid, @position::int, @product_id::uuid, @variant_id::uuid,
        @product_name::jsonb, @variant_label::jsonb, @quantity::int, @unit_price_minor::bigint,
        @answers::jsonb);

-- name: OrderItemList :many
SELECT * FROM order_items WHERE tenant_id = @tenant_id::uuid AND order_id = @order_id::uuid ORDER BY position;

-- name: OrderStatusInsert :exec
INSERT INTO order_status_history (tenant_id, order_id, status, note, actor, created_at)
VALUES (@tenant_id::uuid, @order_id::uuid, @status::text, @note::text, @actor::text,
        coalesce(sqlc.narg('now')::timestamptz, now()));

-- name: OrderStatusList :many
SELECT * FROM order_status_history WHERE tenant_id = @tenant_id::uuid AND order_id = @order_id::uuid ORDER BY id;

-- name: OrderCount :one
SELECT count(*) FROM orders WHERE tenant_id = @tenant_id::uuid;

-- name: AttendeePurchaseTake :exec
-- Adds quantity units to what email holds of a product, only while the
-- total stays within max (NULL: no limit); over it, the transaction fails
-- with order_check's 'over_attendee_limit'. The row lock serialises
-- concurrent orders of one attendee.
WITH added AS (
    INSERT INTO attendee_purchases AS ap (tenant_id, product_id, email, quantity)
    SELECT @tenant_id::uuid, @product_id::uuid, @email::text, @quantity::int
    WHERE sqlc.narg('max')::int IS NULL OR @quantity::int <= sqlc.narg('max')::int
    ON CONFLICT (tenant_id, product_id, email) DO UPDATE
    SET quantity = ap.quantity + EXCLUDED.quantity
    WHERE sqlc.narg('max')::int IS NULL OR ap.quantity + EXCLUDED.quantity <= sqlc.narg('max')::int
    RETURNING 1)
SELECT order_check(EXISTS (SELECT 1 FROM added), 'over_attendee_limit');

-- name: VariantTake :exec
-- Takes quantity units of a variant's stock, never going below zero: when
-- there are not enough (or the variant is gone) the transaction fails with
-- order_check's 'sold_out'. Unlimited stock (NULL) always succeeds. A
-- limited stock's units left are told to the replicas (changes.sql) in the
-- same statement: no round trip more per order.
WITH taken AS (
    UPDATE variants SET stock = stock - @quantity::int
    WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid
      AND (stock IS NULL OR stock >= @quantity::int)
    RETURNING tenant_id, id, stock)
SELECT order_check(EXISTS (SELECT 1 FROM taken), 'sold_out'),
       (SELECT pg_notify('tenant_changed', 'stock ' || tenant_id || ' ' || id || ' ' || stock)
        FROM taken WHERE stock IS NOT NULL);

-- name: JobInsert :exec
-- A job as River's client inserts one without unique options
-- (riverpgxv5's JobInsertFastMany, river v0.51), in the order's
-- transaction and batch; with notify, River's workers are told of it as
-- River's client does (pg_notify on <schema>.river_insert), which the
-- caller limits to once per 100 ms as River does. scheduled_at (NULL: now)
-- makes a job that waits for its time, as River's ScheduledAt does.
WITH job AS (
    INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, tags, metadata)
    VALUES (@args::jsonb, @kind::text, @max_attempts::smallint, @priority::smallint, @queue::text,
            CASE WHEN sqlc.narg('scheduled_at')::timestamptz > now() THEN 'scheduled' ELSE 'available' END::river_job_state,
            coalesce(sqlc.narg('scheduled_at')::timestamptz, now()), '{}', '{}')
    RETURNING queue)
SELECT pg_notify(current_schema() || '.river_insert', json_build_object('queue', queue)::text)
FROM job WHERE @notify::boolean;

-- name: AttendeePurchaseRemove :exec
UPDATE attendee_purchases SET quantity = greatest(quantity - @quantity::int, 0)
WHERE tenant_id = @tenant_id::uuid AND product_id = @product_id::uuid AND email = @email::text;

-- name: OrderList :many
-- One page of an event's orders, newest first, filtered by status and by a
-- search in number, email and name (q is a LIKE pattern the caller escapes);
-- keyset pagination: pass the last row's created_at and id.
SELECT id, number, email, name, status, payment_state, total_minor, currency, created_at FROM orders
WHERE tenant_id = @tenant_id::uuid
  AND (sqlc.narg('status')::text IS NULL OR status = sqlc.narg('status')::text)
  AND (sqlc.narg('payment_state')::text IS NULL OR payment_state = sqlc.narg('payment_state')::text)
  AND (sqlc.narg('q')::text IS NULL OR number ILIKE sqlc.narg('q')::text OR email ILIKE sqlc.narg('q')::text OR name ILIKE sqlc.narg('q')::text)
  AND (sqlc.narg('from')::timestamptz IS NULL OR created_at >= sqlc.narg('from')::timestamptz)
  AND (sqlc.narg('until')::timestamptz IS NULL OR created_at < sqlc.narg('until')::timestamptz)
  AND (sqlc.narg('product_id')::uuid IS NULL OR EXISTS (SELECT 1 FROM order_items i
       WHERE i.tenant_id = orders.tenant_id AND i.order_id = orders.id AND i.product_id = sqlc.narg('product_id')::uuid))
  AND (sqlc.narg('variant_id')::uuid IS NULL OR EXISTS (SELECT 1 FROM order_items i
       WHERE i.tenant_id = orders.tenant_id AND i.order_id = orders.id AND i.variant_id = sqlc.narg('variant_id')::uuid))
  AND (sqlc.narg('before_at')::timestamptz IS NULL
       OR (created_at, id) < (sqlc.narg('before_at')::timestamptz, sqlc.narg('before_id')::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @max_rows::int;

-- name: DashboardOrdersPerDay :many
-- Orders per day since a day, cancelled ones and those waiting for their
-- payment left out; the days are the
-- event's, in its time zone (an IANA name).
SELECT (date_trunc('day', created_at AT TIME ZONE @zone::text))::date AS day, count(*)::int AS orders
FROM orders
WHERE tenant_id = @tenant_id::uuid AND status NOT IN ('cancelled', 'pending_payment') AND created_at >= @since::timestamptz
GROUP BY 1 ORDER BY 1;

-- name: DashboardRevenue :many
-- The sum of order totals per currency (an event's currency may have
-- changed between orders), cancelled orders and those waiting for their
-- payment left out.
SELECT currency, sum(total_minor)::bigint AS total_minor
FROM orders
WHERE tenant_id = @tenant_id::uuid AND status NOT IN ('cancelled', 'pending_payment')
GROUP BY currency ORDER BY currency;

-- name: DashboardUnitsByVariant :many
-- Units ordered per product and variant, cancelled orders and those
-- waiting for their payment left out: what the supplier has to make.
SELECT i.product_id, i.variant_id, sum(i.quantity)::int AS units
FROM order_items i JOIN orders o ON o.tenant_id = i.tenant_id AND o.id = i.order_id
WHERE i.tenant_id = @tenant_id::uuid AND o.status NOT IN ('cancelled', 'pending_payment')
GROUP BY i.product_id, i.variant_id;
