-- The console's side of payments (issue 17): what fulfilment sees and
-- does about what attendees paid. The payment flow itself is in
-- payments.sql.

-- name: OrderMarkPaidAtPickup :one
-- An order to be paid at the desk, paid: only from at_pickup and never for
-- a cancelled order, so a second click (or a cancelled order) changes
-- nothing and returns no row.
UPDATE orders SET payment_state = 'paid'
WHERE tenant_id = @tenant_id::uuid AND number = @number::text
  AND payment_state = 'at_pickup' AND status <> 'cancelled'
RETURNING id, status;

-- name: DashboardRevenueByPayment :many
-- The sum of order totals per currency and payment state, cancelled
-- orders left out (an order paid online and refunded is cancelled).
SELECT currency, payment_state, sum(total_minor)::bigint AS total_minor
FROM orders
WHERE tenant_id = @tenant_id::uuid AND status <> 'cancelled'
GROUP BY currency, payment_state ORDER BY currency, payment_state;
