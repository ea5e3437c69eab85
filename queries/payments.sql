-- name: OrderGetByIDForUpdate :one
SELECT * FROM orders WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid FOR UPDATE;

-- name: OrderSetPayment :exec
-- An order's status and payment together (a payment completed or
-- expired); the hold ends with either.
UPDATE orders SET status = @status::text, payment_state = @payment_state::text,
    payment_intent_id = coalesce(sqlc.narg('payment_intent_id')::text, payment_intent_id),
    hold_expires_at = NULL
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: OrderSetPaymentState :exec
UPDATE orders SET payment_state = @payment_state::text WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: OrderSetPaymentSession :execrows
-- 0 when the order no longer waits for its payment (its hold ended while
-- the session was being opened).
UPDATE orders SET payment_session_id = @session_id::text
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid AND status = 'pending_payment';

-- name: PaymentEventRecord :execrows
-- 1 when the event is new, 0 when it was acted on before.
INSERT INTO payment_events (tenant_id, event_id, kind) VALUES (@tenant_id::uuid, @event_id::text, @kind::text)
ON CONFLICT DO NOTHING;

-- name: PaymentRefundInsert :execrows
-- 1 when the refund is new, 0 when its key was recorded before.
INSERT INTO payment_refunds (tenant_id, order_id, key, amount_minor, reason, refund_id, created_at)
VALUES (@tenant_id::uuid, @order_id::uuid, @key::uuid, @amount_minor::bigint, @reason::text, @refund_id::text,
        coalesce(sqlc.narg('now')::timestamptz, now()))
ON CONFLICT DO NOTHING;

-- name: PaymentRefundList :many
SELECT * FROM payment_refunds WHERE tenant_id = @tenant_id::uuid AND order_id = @order_id::uuid ORDER BY created_at, key;
