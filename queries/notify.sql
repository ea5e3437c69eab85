-- name: EmailLogged :one
SELECT EXISTS (SELECT 1 FROM email_log WHERE tenant_id = @tenant_id::uuid AND dedup_key = @dedup_key::text);

-- name: EmailLogInsert :exec
INSERT INTO email_log (tenant_id, dedup_key, kind, recipients, subject, message_id, order_id)
VALUES (@tenant_id::uuid, @dedup_key::text, @kind::text, @recipients::text[], @subject::text, @message_id::text, sqlc.narg('order_id')::uuid)
ON CONFLICT (tenant_id, dedup_key) DO NOTHING;

-- name: EmailLogForOrder :many
SELECT * FROM email_log WHERE tenant_id = @tenant_id::uuid AND order_id = @order_id::uuid ORDER BY sent_at, id;

-- name: SupplierList :many
SELECT s.*,
       coalesce(array_agg(i.product_id) FILTER (WHERE i.product_id IS NOT NULL), '{}')::uuid[] AS product_ids,
       coalesce(array_agg(i.variant_id) FILTER (WHERE i.variant_id IS NOT NULL), '{}')::uuid[] AS variant_ids
FROM suppliers s
LEFT JOIN supplier_items i ON i.tenant_id = s.tenant_id AND i.supplier_id = s.id
WHERE s.tenant_id = @tenant_id::uuid
GROUP BY s.tenant_id, s.id
ORDER BY s.name, s.id;

-- name: SupplierPerOrderExists :one
-- Whether the event has a supplier that gets each order as it is placed
-- and fulfils one of the order's products or options: only then does an
-- order (or its cancellation) queue the job that emails them.
SELECT EXISTS (
    SELECT 1 FROM suppliers s JOIN supplier_items i ON i.tenant_id = s.tenant_id AND i.supplier_id = s.id
    WHERE s.tenant_id = @tenant_id::uuid AND s.mode = 'per_order'
      AND (i.product_id = ANY(@product_ids::uuid[]) OR i.variant_id = ANY(@variant_ids::uuid[])))::bool;

-- name: SupplierInsert :one
INSERT INTO suppliers (tenant_id, name, emails, mode, send_at)
VALUES (@tenant_id::uuid, @name::text, @emails::text[], @mode::text, sqlc.narg('send_at')::timestamptz)
RETURNING id;

-- name: SupplierUpdate :execrows
UPDATE suppliers SET name = @name::text, emails = @emails::text[], mode = @mode::text, send_at = sqlc.narg('send_at')::timestamptz
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: SupplierDelete :execrows
DELETE FROM suppliers WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: SupplierItemsClear :exec
DELETE FROM supplier_items WHERE tenant_id = @tenant_id::uuid AND supplier_id = @supplier_id::uuid;

-- name: SupplierItemAdd :exec
INSERT INTO supplier_items (tenant_id, supplier_id, product_id, variant_id)
VALUES (@tenant_id::uuid, @supplier_id::uuid, sqlc.narg('product_id')::uuid, sqlc.narg('variant_id')::uuid);

-- name: SupplierBatchInsert :exec
INSERT INTO supplier_batches (tenant_id, supplier_id, lines, message_id)
VALUES (@tenant_id::uuid, @supplier_id::uuid, @lines::int, @message_id::text);

-- name: SupplierBatchList :many
SELECT * FROM supplier_batches WHERE tenant_id = @tenant_id::uuid ORDER BY sent_at DESC, id DESC LIMIT 100;

-- name: DevInboxInsert :one
INSERT INTO dev_inbox (message_id, from_name, from_addr, reply_to, recipients, subject, html, body_text, headers, attachments)
VALUES (@message_id::text, @from_name::text, @from_addr::text, @reply_to::text, @recipients::text[], @subject::text, @html::text,
        @body_text::text, @headers::jsonb, @attachments::jsonb)
RETURNING id;

-- name: DevInboxList :many
SELECT id, message_id, from_name, recipients, subject, received_at FROM dev_inbox
WHERE id < @before_id::bigint ORDER BY id DESC LIMIT @max_rows::int;

-- name: DevInboxGet :one
SELECT * FROM dev_inbox WHERE id = @id::bigint;

-- name: OrdersForSupplierBatch :many
-- Every order of the event that is not cancelled nor waiting for its
-- payment, oldest first: a batch lists the supplier's lines of these.
SELECT number FROM orders WHERE tenant_id = @tenant_id::uuid AND status NOT IN ('cancelled', 'pending_payment') ORDER BY created_at, id;
