-- name: ProductList :many
SELECT * FROM products WHERE tenant_id = @tenant_id::uuid ORDER BY position, id;

-- name: VariantList :many
SELECT * FROM variants WHERE tenant_id = @tenant_id::uuid ORDER BY product_id, position, id;

-- name: ProductsForOrder :many
-- The products an order asks for, read inside the order's transaction.
SELECT * FROM products WHERE tenant_id = @tenant_id::uuid AND id = ANY(@ids::uuid[]);

-- name: VariantsForOrder :many
SELECT * FROM variants WHERE tenant_id = @tenant_id::uuid AND id = ANY(@ids::uuid[]);

-- name: ProductInsert :one
INSERT INTO products (tenant_id, name, description, image_key, position, visible, price_minor,
                      max_per_order, max_per_attendee, sales_open_at, sales_close_at)
VALUES (@tenant_id::uuid, @name::jsonb, @description::jsonb, sqlc.narg('image_key')::text, @position::int,
        @visible::boolean, @price_minor::bigint, sqlc.narg('max_per_order')::int,
        sqlc.narg('max_per_attendee')::int, sqlc.narg('sales_open_at')::timestamptz,
        sqlc.narg('sales_close_at')::timestamptz)
RETURNING *;

-- name: VariantInsert :one
INSERT INTO variants (tenant_id, product_id, label, sku, position, stock, price_minor)
VALUES (@tenant_id::uuid, @product_id::uuid, @label::jsonb, sqlc.narg('sku')::text, @position::int,
        sqlc.narg('stock')::int, sqlc.narg('price_minor')::bigint)
RETURNING *;

-- name: VariantRelease :exec
-- Returns stock of a cancelled order, and tells the replicas the units
-- left (changes.sql).
WITH released AS (
    UPDATE variants SET stock = stock + @quantity::int
    WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid AND stock IS NOT NULL
    RETURNING tenant_id, id, stock)
SELECT pg_notify('tenant_changed', 'stock ' || tenant_id || ' ' || id || ' ' || stock) FROM released;

-- name: VariantStock :one
SELECT stock FROM variants WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: VariantSetStock :exec
-- Sets a variant's stock (NULL: no limit) and tells the replicas.
WITH set AS (
    UPDATE variants SET stock = sqlc.narg('stock')::int WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid
    RETURNING tenant_id, id, stock)
SELECT pg_notify('tenant_changed', 'stock ' || tenant_id || ' ' || id || ' ' || coalesce(stock::text, 'unlimited')) FROM set;

-- name: FormFieldList :many
SELECT * FROM form_fields WHERE tenant_id = @tenant_id::uuid ORDER BY position, key;

-- name: FormFieldInsert :one
INSERT INTO form_fields (tenant_id, key, scope, position, definition)
VALUES (@tenant_id::uuid, @key::text, @scope::text, @position::int, @definition::jsonb)
RETURNING *;

-- name: SettingsGet :one
SELECT t.currency, t.closes_at,
       coalesce(s.ships, false)::boolean AS ships,
       coalesce(s.attendee_can_cancel, true)::boolean AS attendee_can_cancel,
       coalesce(s.common_countries, '{}')::text[] AS common_countries,
       coalesce(s.reply_to, '')::text AS reply_to,
       coalesce(s.time_zone, 'Europe/Berlin')::text AS time_zone,
       coalesce(s.pickup_place, '')::text AS pickup_place,
       coalesce(s.pickup_details, '')::text AS pickup_details,
       coalesce(s.retention_days, 90)::int AS retention_days,
       coalesce(s.pay_at_pickup, false)::boolean AS pay_at_pickup,
       coalesce(s.hold_minutes, 15)::int AS hold_minutes,
       coalesce(s.waitlist_hold_hours, 24)::int AS waitlist_hold_hours,
       coalesce(s.message_rate, 10)::int AS message_rate,
       coalesce(s.kind, 'shop')::text AS kind,
       coalesce(s.signup_texts, '{}')::jsonb AS signup_texts,
       t.ends_on
FROM tenants t LEFT JOIN storefront_settings s ON s.tenant_id = t.id
WHERE t.id = @tenant_id::uuid;

-- name: SettingsUpsert :exec
INSERT INTO storefront_settings (tenant_id, ships, attendee_can_cancel, attendee_can_change, common_countries, reply_to,
                                 time_zone, pickup_place, pickup_details, retention_days, pay_at_pickup, hold_minutes,
                                 waitlist_hold_hours, message_rate)
VALUES (@tenant_id::uuid, @ships::boolean, @attendee_can_cancel::boolean, @attendee_can_change::boolean,
        @common_countries::text[], @reply_to::text,
        @time_zone::text, @pickup_place::text, @pickup_details::text, @retention_days::int,
        @pay_at_pickup::boolean, @hold_minutes::int, @waitlist_hold_hours::int,
        @message_rate::int)
ON CONFLICT (tenant_id) DO UPDATE
SET ships = EXCLUDED.ships, attendee_can_cancel = EXCLUDED.attendee_can_cancel,
    attendee_can_change = EXCLUDED.attendee_can_change,
    common_countries = EXCLUDED.common_countries, reply_to = EXCLUDED.reply_to,
    time_zone = EXCLUDED.time_zone, pickup_place = EXCLUDED.pickup_place, pickup_details = EXCLUDED.pickup_details,
    retention_days = EXCLUDED.retention_days,
    pay_at_pickup = EXCLUDED.pay_at_pickup, hold_minutes = EXCLUDED.hold_minutes,
    waitlist_hold_hours = EXCLUDED.waitlist_hold_hours, message_rate = EXCLUDED.message_rate;

-- name: VariantAdjustStock :one
-- Adds delta to a limited stock, never below zero: no row back when the
-- variant has unlimited stock or the result would be negative. The
-- replicas are told the units left (changes.sql) by the filter, which
-- holds for every row (pg_notify's void reads as '').
WITH adjusted AS (
    UPDATE variants SET stock = stock + @delta::int
    WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid AND stock IS NOT NULL AND stock + @delta::int >= 0
    RETURNING tenant_id, id, stock)
SELECT stock FROM adjusted
WHERE pg_notify('tenant_changed', 'stock ' || tenant_id || ' ' || id || ' ' || stock)::text = '';

-- name: StockAdjustmentInsert :exec
INSERT INTO stock_adjustments (tenant_id, variant_id, delta, stock, reason, actor)
VALUES (@tenant_id::uuid, @variant_id::uuid, @delta::int, @stock::int, @reason::text, @actor::text);

-- name: StockAdjustmentList :many
SELECT * FROM stock_adjustments WHERE tenant_id = @tenant_id::uuid ORDER BY id DESC LIMIT @max_rows::int;

-- name: ProductSetVisible :execrows
UPDATE products SET visible = @visible::boolean WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: ProductDeleteUnordered :execrows
-- Deletes a product that no order ever contained (its variants go with it);
-- an ordered product stays (hide it instead).
DELETE FROM products p
WHERE p.tenant_id = @tenant_id::uuid AND p.id = @id::uuid
  AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.tenant_id = p.tenant_id AND i.product_id = p.id);

-- name: ProductExists :one
SELECT EXISTS (SELECT 1 FROM products WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid);

-- name: ProductSetPosition :exec
UPDATE products SET position = @position::int WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: ProductUpdate :execrows
UPDATE products
SET name = @name::jsonb, description = @description::jsonb, price_minor = @price_minor::bigint,
    max_per_order = sqlc.narg('max_per_order')::int, max_per_attendee = sqlc.narg('max_per_attendee')::int,
    sales_open_at = sqlc.narg('sales_open_at')::timestamptz, sales_close_at = sqlc.narg('sales_close_at')::timestamptz
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: FormFieldDelete :execrows
-- Removes a field from the form; answers already given stay on the orders.
DELETE FROM form_fields WHERE tenant_id = @tenant_id::uuid AND key = @key::text;

-- name: FormFieldSetPosition :exec
UPDATE form_fields
SET position = @position::int, definition = jsonb_set(definition, '{Position}', to_jsonb(@position::int))
WHERE tenant_id = @tenant_id::uuid AND key = @key::text;

-- name: VariantUpdate :execrows
-- Renames an option and sets its own price (NULL: the product's price).
-- Orders keep the label and price they were placed with.
UPDATE variants
SET label = @label::jsonb, price_minor = sqlc.narg('price_minor')::bigint
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: VariantDeleteUnordered :execrows
-- Deletes an option no order ever contained; an ordered one stays.
DELETE FROM variants v
WHERE v.tenant_id = @tenant_id::uuid AND v.id = @id::uuid
  AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.tenant_id = v.tenant_id AND i.variant_id = v.id);

-- name: ProductSetImage :execrows
UPDATE products SET image_key = sqlc.narg('image_key')::text WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: FormFieldUpdate :execrows
-- Changes a field's definition; its key (under which orders keep their
-- answers) stays.
UPDATE form_fields
SET scope = @scope::text, position = @position::int, definition = @definition::jsonb
WHERE tenant_id = @tenant_id::uuid AND key = @key::text;
