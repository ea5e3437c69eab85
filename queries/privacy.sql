-- Personal data of attendees: its retention and its erasure (issue 16).
-- Erasure runs as the platform role: the dev inbox and the River jobs are
-- platform tables. Every statement names the tenant_id of the event.

-- name: RetentionDue :many
-- Events whose retention period has ended by now and that still hold an
-- order with personal data, a waiting list's entry or a sign-up. The period runs from the shop’s closing time,
-- or else from the end of the event’s last day (UTC); an event with
-- neither is never due.
SELECT t.id FROM tenants t LEFT JOIN storefront_settings s ON s.tenant_id = t.id
WHERE coalesce(t.closes_at, (t.ends_on + 1)::timestamp AT TIME ZONE 'UTC')
          + coalesce(s.retention_days, 90) * interval '1 day' <= @now::timestamptz
  AND (EXISTS (SELECT 1 FROM orders o WHERE o.tenant_id = t.id AND o.erased_at IS NULL)
       OR EXISTS (SELECT 1 FROM waitlist_entries w WHERE w.tenant_id = t.id)
       OR EXISTS (SELECT 1 FROM signups g WHERE g.tenant_id = t.id))
ORDER BY t.id;

-- name: ErasableOrders :many
-- The event’s orders that still hold personal data, all of them or one
-- attendee’s (by normalised email), locked for the erasure.
SELECT id, number, email FROM orders
WHERE tenant_id = @tenant_id::uuid AND erased_at IS NULL
  AND (sqlc.narg('email')::text IS NULL OR email = sqlc.narg('email')::text)
ORDER BY number
FOR UPDATE;

-- name: OrdersErase :exec
-- Replaces the orders’ personal data: name and email empty, answers kept
-- only for the fields kept (choices, not free text), the address
-- reduced to its country. Status, lines and totals stay.
UPDATE orders SET name = '', email = '',
    answers = (SELECT coalesce(jsonb_object_agg(a.key, a.value), '{}'::jsonb) FROM jsonb_each(orders.answers) a
               WHERE a.key = ANY (@keep::text[])),
    shipping_address = CASE WHEN shipping_address IS NULL THEN NULL
        ELSE jsonb_build_object('name', '', 'line1', '', 'country_code', coalesce(shipping_address ->> 'country_code', '')) END,
    erased_at = @now::timestamptz
WHERE tenant_id = @tenant_id::uuid AND id = ANY (@ids::uuid[]);

-- name: OrderItemsErase :exec
-- The lines keep the answers of the fields kept; a supplier's tracking
-- note (a parcel's number, which leads to the person) goes like the
-- history's notes.
UPDATE order_items SET
    answers = (SELECT coalesce(jsonb_object_agg(a.key, a.value), '{}'::jsonb) FROM jsonb_each(order_items.answers) a
               WHERE a.key = ANY (@keep::text[])),
    dispatch_note = ''
WHERE tenant_id = @tenant_id::uuid AND order_id = ANY (@ids::uuid[]) AND (answers <> '{}'::jsonb OR dispatch_note <> '');

-- name: OrderNotesErase :exec
UPDATE order_status_history SET note = ''
WHERE tenant_id = @tenant_id::uuid AND order_id = ANY (@ids::uuid[]) AND note <> '';

-- name: AttendeePurchasesErase :exec
DELETE FROM attendee_purchases WHERE tenant_id = @tenant_id::uuid AND email = ANY (@emails::text[]);

-- name: EmailLogErase :many
-- Forgets to whom the orders’ emails went and their subjects; returns
-- their message ids, whose copies in dev’s inbox go too.
UPDATE email_log SET recipients = '{}', subject = ''
WHERE tenant_id = @tenant_id::uuid AND order_id = ANY (@ids::uuid[])
RETURNING message_id;

-- name: SupplierBatchMessages :many
-- The message ids of the event’s supplier lists, which name every
-- attendee of the batch.
SELECT message_id FROM supplier_batches WHERE tenant_id = @tenant_id::uuid;

-- name: DevInboxErase :execrows
DELETE FROM dev_inbox WHERE message_id = ANY (@message_ids::text[]);

-- name: RiverJobsErase :execrows
-- The orders’ jobs that are not being worked: their args may hold staff’s
-- note to the attendee, their errors the attendee’s address.
DELETE FROM river_job
WHERE args ->> 'tenant_id' = (@tenant_id::uuid)::text AND args ->> 'order_number' = ANY (@numbers::text[])
  AND state <> 'running';

-- name: WaitlistErasableOffers :many
-- The offers of the event's waiting-list entries, all or one person's (by
-- email, compared lowercased): their jobs and the emails they sent go with
-- the entries.
SELECT o.id FROM waitlist_offers o
JOIN waitlist_entries e ON e.tenant_id = o.tenant_id AND e.id = o.entry_id
WHERE e.tenant_id = @tenant_id::uuid
  AND (sqlc.narg('email')::text IS NULL OR lower(e.email) = sqlc.narg('email')::text);

-- name: WaitlistErase :one
-- Deletes the event's waiting-list entries, all or one person's, and their
-- offers (the foreign key's cascade). The units an offer still held go
-- back to the option's stock, with the replicas told; returned lists the
-- options whose stock grew, for the people still waiting for them.
WITH gone AS (
    DELETE FROM waitlist_entries
    WHERE tenant_id = @tenant_id::uuid
      AND (sqlc.narg('email')::text IS NULL OR lower(email) = sqlc.narg('email')::text)
    RETURNING id),
held AS (
    SELECT o.variant_id, sum(o.quantity)::int AS quantity
    FROM waitlist_offers o JOIN gone ON gone.id = o.entry_id
    WHERE o.tenant_id = @tenant_id::uuid AND o.state = 'held'
    GROUP BY o.variant_id),
back AS (
    UPDATE variants v SET stock = v.stock + held.quantity FROM held
    WHERE v.tenant_id = @tenant_id::uuid AND v.id = held.variant_id AND v.stock IS NOT NULL
    RETURNING v.tenant_id, v.id, v.stock)
SELECT (SELECT count(*) FROM gone)::int AS entries,
       coalesce((SELECT array_agg(id) FROM back
                 WHERE pg_notify('tenant_changed', 'stock ' || tenant_id || ' ' || id || ' ' || stock)::text = ''),
                '{}')::uuid[] AS returned;

-- name: EmailLogEraseKeys :many
-- Forgets to whom the emails of dedup keys went (the waiting list's
-- offers, which have no order) and their subjects.
UPDATE email_log SET recipients = '{}', subject = ''
WHERE tenant_id = @tenant_id::uuid AND dedup_key = ANY (@keys::text[])
RETURNING message_id;

-- name: RiverJobsEraseOffers :execrows
-- The erased offers' jobs that are not being worked: their errors may hold
-- the address (an email job reading a deleted offer ends without sending).
DELETE FROM river_job
WHERE args ->> 'tenant_id' = (@tenant_id::uuid)::text AND args ->> 'offer_id' = ANY (@offer_ids::text[])
  AND state <> 'running';

-- name: WaitlistPersonEntries :one
-- How many places on the event's waiting lists one person (by email,
-- compared lowercased) has: what their erasure would delete.
SELECT count(*)::int FROM waitlist_entries WHERE tenant_id = @tenant_id::uuid AND lower(email) = @email::text;
