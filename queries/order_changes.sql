-- Attendees' changes to their own orders (db/orders_change.go).

-- name: OrderItemSetVariant :execrows
-- A line's option swapped for another of the same product and price: the
-- line keeps its quantity, price and answers.
UPDATE order_items SET variant_id = @variant_id::uuid, variant_label = @variant_label::jsonb
WHERE tenant_id = @tenant_id::uuid AND order_id = @order_id::uuid AND position = @position::int;

-- name: OrderItemDelete :execrows
-- A cancelled line leaves the order; the history row says what it was.
DELETE FROM order_items
WHERE tenant_id = @tenant_id::uuid AND order_id = @order_id::uuid AND position = @position::int;

-- name: OrderSetTotal :exec
-- What the order costs after a line left it: the total to pay and what is
-- left of its code's discount (the line took its share with it).
UPDATE orders SET total_minor = @total_minor::bigint, discount_minor = @discount_minor::bigint
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: OrderSetAddress :exec
UPDATE orders SET shipping_address = @shipping_address::jsonb WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: OrderChangeInsert :exec
-- A row of the order's history that is not a status change: status is the
-- order's status, unchanged; change says what changed; note is what the
-- attendee and staff read of it.
INSERT INTO order_status_history (tenant_id, order_id, status, change, note, actor, created_at)
VALUES (@tenant_id::uuid, @order_id::uuid, @status::text, @change::text, @note::text, @actor::text,
        coalesce(sqlc.narg('now')::timestamptz, now()));

-- name: SettingsChangeAllowed :one
-- Whether the event lets attendees change their orders. Not in
-- SettingsGet, which an order's first batch reads: a placed order does not
-- need it.
SELECT coalesce((SELECT attendee_can_change FROM storefront_settings WHERE tenant_id = @tenant_id::uuid), true)::boolean;
