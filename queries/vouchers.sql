-- name: VoucherGetByCode :one
-- A code as an attendee typed it (normalised to capitals by the caller).
SELECT * FROM vouchers WHERE tenant_id = @tenant_id::uuid AND code = @code::text;

-- name: VoucherGet :one
SELECT * FROM vouchers WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: VoucherList :many
-- One page of an event's codes, by code, those containing search (any
-- case; '' lists all) in their code or note.
SELECT * FROM vouchers
WHERE tenant_id = @tenant_id::uuid
  AND (@search::text = '' OR code LIKE '%' || upper(@search::text) || '%' OR note ILIKE '%' || @search::text || '%')
ORDER BY code
LIMIT @max_rows::int OFFSET @skip::int;

-- name: VoucherCount :one
SELECT count(*) FROM vouchers
WHERE tenant_id = @tenant_id::uuid
  AND (@search::text = '' OR code LIKE '%' || upper(@search::text) || '%' OR note ILIKE '%' || @search::text || '%');

-- name: VoucherInsert :one
INSERT INTO vouchers (tenant_id, code, kind, amount_minor, percent, product_ids, variant_ids, max_uses,
                      valid_from, valid_until, note)
VALUES (@tenant_id::uuid, @code::text, @kind::text, @amount_minor::bigint, @percent::int, @product_ids::uuid[],
        @variant_ids::uuid[], sqlc.narg('max_uses')::int, sqlc.narg('valid_from')::timestamptz,
        sqlc.narg('valid_until')::timestamptz, @note::text)
RETURNING *;

-- name: VoucherInsertMany :many
-- Bulk creation: one row per code, alike but for the code; a code already
-- taken is skipped (the caller makes new ones for those).
INSERT INTO vouchers (tenant_id, code, kind, amount_minor, percent, product_ids, variant_ids, max_uses,
                      valid_from, valid_until, note)
SELECT @tenant_id::uuid, c, @kind::text, @amount_minor::bigint, @percent::int, @product_ids::uuid[],
       @variant_ids::uuid[], sqlc.narg('max_uses')::int, sqlc.narg('valid_from')::timestamptz,
       sqlc.narg('valid_until')::timestamptz, @note::text
FROM unnest(@codes::text[]) AS c
ON CONFLICT (tenant_id, code) DO NOTHING
RETURNING code;

-- name: VoucherUpdate :execrows
-- What staff may change of a code; its code and uses stay.
UPDATE vouchers
SET kind = @kind::text, amount_minor = @amount_minor::bigint, percent = @percent::int,
    product_ids = @product_ids::uuid[], variant_ids = @variant_ids::uuid[], max_uses = sqlc.narg('max_uses')::int,
    valid_from = sqlc.narg('valid_from')::timestamptz, valid_until = sqlc.narg('valid_until')::timestamptz,
    note = @note::text
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: VoucherSetDisabled :execrows
UPDATE vouchers SET disabled = @disabled::boolean WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: VoucherDeleteUnused :execrows
-- Deletes a code no order redeemed; a used one stays (disable it instead).
DELETE FROM vouchers v
WHERE v.tenant_id = @tenant_id::uuid AND v.id = @id::uuid AND v.uses = 0
  AND NOT EXISTS (SELECT 1 FROM voucher_redemptions r WHERE r.tenant_id = v.tenant_id AND r.voucher_id = v.id);

-- name: VoucherRedeem :exec
-- Redeems a code for an order in the order's last batch: one use taken
-- with a conditional update (enabled, within its dates, a use left), the
-- redemption recorded and the order's discount and code set. When no use
-- is left (taken by a concurrent order meanwhile) or the code changed, the
-- transaction fails with order_check's 'voucher_used_up'.
WITH redeemed AS (
    UPDATE vouchers SET uses = uses + 1
    WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid AND NOT disabled
      AND (max_uses IS NULL OR uses < max_uses)
      AND (valid_from IS NULL OR valid_from <= @now::timestamptz)
      AND (valid_until IS NULL OR valid_until > @now::timestamptz)
    RETURNING tenant_id, id),
recorded AS (
    INSERT INTO voucher_redemptions (tenant_id, order_id, voucher_id, discount_minor)
    SELECT tenant_id, @order_id::uuid, id, @discount_minor::bigint FROM redeemed
    RETURNING order_id),
ordered AS (
    UPDATE orders SET discount_minor = @discount_minor::bigint, voucher_code = @code::text
    WHERE tenant_id = @tenant_id::uuid AND id = (SELECT order_id FROM recorded)
    RETURNING id)
SELECT order_check(EXISTS (SELECT 1 FROM redeemed) AND EXISTS (SELECT 1 FROM ordered), 'voucher_used_up');

-- name: VoucherRedemptionList :many
-- The orders that redeemed a code, newest first.
SELECT o.number, o.email, o.status, o.total_minor, r.discount_minor, r.created_at
FROM voucher_redemptions r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
WHERE r.tenant_id = @tenant_id::uuid AND r.voucher_id = @voucher_id::uuid
ORDER BY r.created_at DESC, o.number
LIMIT @max_rows::int;

-- name: VoucherExportList :many
-- Every code of an event, by code, for the CSV export.
SELECT * FROM vouchers WHERE tenant_id = @tenant_id::uuid ORDER BY code;

-- name: ProductSetCodeOnly :execrows
UPDATE products SET code_only = @code_only::boolean WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: VariantSetCodeOnly :execrows
UPDATE variants SET code_only = @code_only::boolean WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;
