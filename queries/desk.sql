-- The pick-up desk (issue 18): collecting an order over the desk, and
-- what the desk has handed over and has still to hand over.

-- name: OrderCollect :one
-- An order handed over at the desk: one conditional update, so that of two
-- desks collecting it at once one wins and the other, once the winner's
-- row lock is released, finds the status changed and gets no row. Only an
-- order for pick-up (no shipping address) in a status the desk collects
-- from; paid or free, or with paying, to be paid at pick-up and now paid
-- ("Mark paid and collect").
UPDATE orders SET status = 'collected',
    payment_state = CASE WHEN @paying::boolean THEN 'paid' ELSE payment_state END
WHERE tenant_id = @tenant_id::uuid AND number = @number::text
  AND status IN ('placed', 'confirmed', 'ready_for_pickup')
  AND shipping_address IS NULL
  AND CASE WHEN @paying::boolean THEN payment_state = 'at_pickup'
           ELSE payment_state IN ('none', 'paid', 'partially_refunded') END
RETURNING *;

-- name: OrderCollectedBy :one
-- Who handed an order over, and when: its last history row to collected.
SELECT actor, created_at FROM order_status_history
WHERE tenant_id = @tenant_id::uuid AND order_id = @order_id::uuid AND status = 'collected' AND change = ''
ORDER BY id DESC LIMIT 1;

-- name: DeskCounts :many
-- Units per product and option handed over at the desk and still to hand
-- over (orders for pick-up that are placed, confirmed or ready), for the
-- desk to know what to bring from the back.
SELECT i.product_id, i.variant_id,
       coalesce(sum(i.quantity) FILTER (WHERE o.status = 'collected'), 0)::int AS collected,
       coalesce(sum(i.quantity) FILTER (WHERE o.status IN ('placed', 'confirmed', 'ready_for_pickup')), 0)::int AS remaining
FROM order_items i JOIN orders o ON o.tenant_id = i.tenant_id AND o.id = i.order_id
WHERE i.tenant_id = @tenant_id::uuid AND o.shipping_address IS NULL
  AND o.status IN ('placed', 'confirmed', 'ready_for_pickup', 'collected')
GROUP BY i.product_id, i.variant_id;
