-- Reading an order by its number in one round trip (OrderByNumber): its
-- items and history are found by the number too, so that all three
-- statements go in one batch.

-- name: OrderItemListByNumber :many
SELECT * FROM order_items
WHERE tenant_id = @tenant_id::uuid
  AND order_id = (SELECT id FROM orders WHERE tenant_id = @tenant_id::uuid AND number = @number::text)
ORDER BY position;

-- name: OrderStatusListByNumber :many
SELECT * FROM order_status_history
WHERE tenant_id = @tenant_id::uuid
  AND order_id = (SELECT id FROM orders WHERE tenant_id = @tenant_id::uuid AND number = @number::text)
ORDER BY id;
