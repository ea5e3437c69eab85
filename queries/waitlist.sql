-- The waiting list per option (issue 17).

-- name: WaitlistWaitedFor :many
-- The options among ids that someone waits for: only they get an offer job
-- when their stock grows.
SELECT DISTINCT variant_id FROM waitlist_entries
WHERE tenant_id = @tenant_id::uuid AND variant_id = ANY(@ids::uuid[]) AND state = 'waiting';

-- name: WaitlistJoin :one
-- A place at the end of the option's line; an address already waiting (or
-- holding an offer) for it gets no second place (no row back).
INSERT INTO waitlist_entries (tenant_id, variant_id, email, locale, quantity, leave_token, created_at)
VALUES (@tenant_id::uuid, @variant_id::uuid, @email::text, @locale::text, @quantity::int, @leave_token::text, @now::timestamptz)
ON CONFLICT (tenant_id, variant_id, lower(email)) WHERE state IN ('waiting', 'offered') DO NOTHING
RETURNING *;

-- name: WaitlistLeave :execrows
-- Leaves the list by its link's secret; an entry holding an offer keeps it
-- until the offer ends (the offer's units are not taken away).
UPDATE waitlist_entries SET state = 'left'
WHERE tenant_id = @tenant_id::uuid AND leave_token = @leave_token::text AND state = 'waiting';

-- name: WaitlistEntryByLeaveToken :one
SELECT * FROM waitlist_entries WHERE tenant_id = @tenant_id::uuid AND leave_token = @leave_token::text;

-- name: WaitlistNextWaiting :many
-- The option's line, first come first: the entries still waiting, locked
-- (an offer job running beside this one skips them, never offers twice).
SELECT * FROM waitlist_entries
WHERE tenant_id = @tenant_id::uuid AND variant_id = @variant_id::uuid AND state = 'waiting'
ORDER BY created_at, id
LIMIT @max_rows::int
FOR UPDATE SKIP LOCKED;

-- name: WaitlistTake :one
-- Takes quantity units of a limited stock for an offer with the condition
-- orders use (VariantTake): never below zero, so two offers never hold the
-- same unit. No row back when there are not enough; the replicas are told
-- the units left.
WITH taken AS (
    UPDATE variants SET stock = stock - @quantity::int
    WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid AND stock IS NOT NULL AND stock >= @quantity::int
    RETURNING tenant_id, id, stock)
SELECT stock FROM taken
WHERE pg_notify('tenant_changed', 'stock ' || tenant_id || ' ' || id || ' ' || stock)::text = '';

-- name: WaitlistHoldHours :one
SELECT coalesce((SELECT waitlist_hold_hours FROM storefront_settings WHERE tenant_id = @tenant_id::uuid), 24)::int AS hours;

-- name: WaitlistOfferInsert :one
INSERT INTO waitlist_offers (tenant_id, entry_id, variant_id, quantity, token, expires_at, created_at)
VALUES (@tenant_id::uuid, @entry_id::uuid, @variant_id::uuid, @quantity::int, @token::text, @expires_at::timestamptz, @now::timestamptz)
RETURNING *;

-- name: WaitlistEntrySetState :exec
UPDATE waitlist_entries SET state = @state::text WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: WaitlistOfferByToken :one
SELECT o.*, e.email, e.locale FROM waitlist_offers o
JOIN waitlist_entries e ON e.tenant_id = o.tenant_id AND e.id = o.entry_id
WHERE o.tenant_id = @tenant_id::uuid AND o.token = @token::text;

-- name: WaitlistOfferByID :one
SELECT o.*, e.email, e.locale FROM waitlist_offers o
JOIN waitlist_entries e ON e.tenant_id = o.tenant_id AND e.id = o.entry_id
WHERE o.tenant_id = @tenant_id::uuid AND o.id = @id::uuid;

-- name: WaitlistOfferExpire :one
-- Ends a held offer whose time is up (no row back: ordered or ended
-- already, or not yet due).
UPDATE waitlist_offers SET state = 'expired'
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid AND state = 'held' AND expires_at <= @now::timestamptz
RETURNING *;

-- name: WaitlistOfferConsume :exec
-- Uses a held, unexpired offer for an order, in the order's last batch
-- before its stock is taken: the offer's units go back to the option's
-- stock for the order's own take, its entry is ordered. An offer used or
-- expired meanwhile fails the transaction (order_check 'offer_used'), so
-- its units are never both given back and ordered.
WITH used AS (
    UPDATE waitlist_offers SET state = 'ordered', order_id = @order_id::uuid
    WHERE tenant_id = @tenant_id::uuid AND token = @token::text AND state = 'held' AND expires_at > @now::timestamptz
    RETURNING tenant_id, entry_id, variant_id, quantity),
entry AS (
    UPDATE waitlist_entries e SET state = 'ordered' FROM used
    WHERE e.tenant_id = used.tenant_id AND e.id = used.entry_id
    RETURNING e.id),
back AS (
    UPDATE variants v SET stock = v.stock + used.quantity FROM used
    WHERE v.tenant_id = used.tenant_id AND v.id = used.variant_id AND v.stock IS NOT NULL
    RETURNING v.tenant_id, v.id, v.stock)
SELECT order_check(EXISTS (SELECT 1 FROM used), 'offer_used'),
       (SELECT count(*) FROM entry),
       -- The replicas hear of the units given back; the order's VariantTake,
       -- later in the same transaction, tells them what it left.
       (SELECT count(pg_notify('tenant_changed', 'stock ' || tenant_id || ' ' || id || ' ' || stock)) FROM back);

-- name: WaitlistList :many
-- An option's list for staff, in line order, with each entry's position
-- among those still waiting and when the offer it holds ends (none: null).
SELECT e.*, (CASE WHEN e.state = 'waiting'
                  THEN row_number() OVER (PARTITION BY e.state = 'waiting' ORDER BY e.created_at, e.id)
                  ELSE 0 END)::int AS position,
       o.expires_at AS offer_expires_at
FROM waitlist_entries e
LEFT JOIN waitlist_offers o ON o.tenant_id = e.tenant_id AND o.entry_id = e.id AND o.state = 'held'
WHERE e.tenant_id = @tenant_id::uuid AND e.variant_id = @variant_id::uuid
ORDER BY e.created_at, e.id
LIMIT @max_rows::int OFFSET @skip::int;

-- name: WaitlistRemove :one
-- Staff take an entry off the list: the row goes (its address with it). An
-- entry holding an offer stays until the offer ends (no row back), so the
-- offer's units are never lost; an offer job that locked the entry first
-- wins, as this statement sees the entry it left.
DELETE FROM waitlist_entries
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid AND state <> 'offered'
RETURNING *;

-- name: WaitlistEntryGet :one
SELECT * FROM waitlist_entries WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: WaitlistCount :one
SELECT count(*)::int FROM waitlist_entries WHERE tenant_id = @tenant_id::uuid AND variant_id = @variant_id::uuid;

-- name: WaitlistDemand :many
-- The dashboard's demand: per option, the people waiting and the units they
-- want, most wanted first.
SELECT variant_id, count(*)::int AS people, sum(quantity)::int AS units
FROM waitlist_entries
WHERE tenant_id = @tenant_id::uuid AND state = 'waiting'
GROUP BY variant_id
ORDER BY units DESC, variant_id;

-- name: WaitlistOfferForEmail :one
-- An offer with what its email shows: the person, the option's names, the
-- secret of their entry's leave link.
SELECT o.id, o.token, o.quantity, o.state, o.expires_at, e.email, e.locale, e.leave_token,
       p.name AS product_name, v.label AS variant_label
FROM waitlist_offers o
JOIN waitlist_entries e ON e.tenant_id = o.tenant_id AND e.id = o.entry_id
JOIN variants v ON v.tenant_id = o.tenant_id AND v.id = o.variant_id
JOIN products p ON p.tenant_id = v.tenant_id AND p.id = v.product_id
WHERE o.tenant_id = @tenant_id::uuid AND o.id = @id::uuid;

-- name: WaitlistPosition :one
-- An entry's place among those waiting for its option (itself included).
SELECT count(*)::int FROM waitlist_entries w
JOIN waitlist_entries e ON e.tenant_id = w.tenant_id AND e.variant_id = w.variant_id
WHERE e.tenant_id = @tenant_id::uuid AND e.id = @id::uuid AND w.state = 'waiting'
  AND (w.created_at, w.id) <= (e.created_at, e.id);
