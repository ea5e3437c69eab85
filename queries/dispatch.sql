-- Suppliers marking their lines dispatched (db/dispatch.go).

-- name: SupplierLineList :many
-- The lines a supplier fulfils (one of its products or options): of one
-- order, whatever its status, or of every order a list covers (neither
-- cancelled nor waiting for its payment), oldest first.
SELECT o.number, o.status, o.created_at, o.shipping_address,
       i.position, i.product_id, i.variant_id, i.product_name, i.variant_label, i.quantity, i.answers,
       i.dispatched_at, i.dispatch_note
FROM order_items i JOIN orders o ON o.tenant_id = i.tenant_id AND o.id = i.order_id
WHERE i.tenant_id = @tenant_id::uuid
  AND (i.product_id = ANY(@product_ids::uuid[]) OR i.variant_id = ANY(@variant_ids::uuid[]))
  AND (sqlc.narg('number')::text IS NULL OR o.number = sqlc.narg('number')::text)
  AND (sqlc.narg('number')::text IS NOT NULL OR o.status NOT IN ('cancelled', 'pending_payment'))
ORDER BY o.created_at, o.id, i.position
LIMIT @max_rows::int OFFSET @skip::int;

-- name: OrderItemsDispatch :many
-- Marks the order's lines at positions dispatched, those not dispatched
-- yet only (a second mark changes nothing), and returns their positions.
UPDATE order_items SET dispatched_at = coalesce(sqlc.narg('now')::timestamptz, now()),
    dispatch_note = @note::text, dispatched_by = @actor::text
WHERE tenant_id = @tenant_id::uuid AND order_id = @order_id::uuid
  AND position = ANY(@positions::int[]) AND dispatched_at IS NULL
RETURNING position;
