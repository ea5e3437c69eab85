-- Messages from staff to an event's attendees, and their recipients
-- (issue 18).

-- name: MessageInsert :one
INSERT INTO messages (tenant_id, texts, audience, product_id, variant_id, status, created_by, created_at, updated_at)
VALUES (@tenant_id::uuid, @texts::jsonb, @audience::text, sqlc.narg('product_id')::uuid, sqlc.narg('variant_id')::uuid,
        @status::text, @created_by::text, @now::timestamptz, @now::timestamptz)
RETURNING id;

-- name: MessageUpdate :execrows
-- Changes a draft; a message on its way or sent is not changed (no row).
UPDATE messages SET texts = @texts::jsonb, audience = @audience::text, product_id = sqlc.narg('product_id')::uuid,
    variant_id = sqlc.narg('variant_id')::uuid, status = @status::text, updated_at = @now::timestamptz
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid AND state = 'draft';

-- name: MessageGet :one
SELECT m.*, p.total::int AS total, p.sent::int AS sent, p.failed::int AS failed
FROM messages m,
LATERAL (SELECT count(*) AS total, count(*) FILTER (WHERE r.state = 'sent') AS sent, count(*) FILTER (WHERE r.state = 'failed') AS failed
         FROM message_recipients r WHERE r.tenant_id = m.tenant_id AND r.message_id = m.id) p
WHERE m.tenant_id = @tenant_id::uuid AND m.id = @id::uuid;

-- name: MessageList :many
-- A page of the event's messages, newest first, with their progress.
SELECT m.*, p.total::int AS total, p.sent::int AS sent, p.failed::int AS failed
FROM messages m,
LATERAL (SELECT count(*) AS total, count(*) FILTER (WHERE r.state = 'sent') AS sent, count(*) FILTER (WHERE r.state = 'failed') AS failed
         FROM message_recipients r WHERE r.tenant_id = m.tenant_id AND r.message_id = m.id) p
WHERE m.tenant_id = @tenant_id::uuid
ORDER BY m.created_at DESC, m.id
LIMIT @max_rows::int OFFSET @skip::int;

-- name: MessageCount :one
SELECT count(*)::int FROM messages WHERE tenant_id = @tenant_id::uuid;

-- name: MessageAudienceCount :one
-- How many addresses the audience reaches now (see MessageRecipientsFill).
SELECT count(DISTINCT o.email)::int FROM orders o
WHERE o.tenant_id = @tenant_id::uuid AND o.erased_at IS NULL
  AND CASE WHEN @kind::text = 'status' THEN o.status = @status::text
           ELSE o.status NOT IN ('cancelled', 'pending_payment') END
  AND (@kind::text NOT IN ('product', 'variant') OR EXISTS (
      SELECT 1 FROM order_items i WHERE i.tenant_id = o.tenant_id AND i.order_id = o.id
        AND CASE WHEN @kind::text = 'product' THEN i.product_id = @product_id::uuid ELSE i.variant_id = @variant_id::uuid END));

-- name: MessageLockForSend :one
-- The message, locked until the transaction ends: pressing send twice, or
-- a fan-out job run twice, waits for the first.
SELECT * FROM messages WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid FOR UPDATE;

-- name: MessageSetSending :exec
UPDATE messages SET state = 'sending', sent_by = @sent_by::text, sent_at = @now::timestamptz
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: MessageRecipientCount :one
SELECT count(*)::int FROM message_recipients WHERE tenant_id = @tenant_id::uuid AND message_id = @message_id::uuid;

-- name: MessageRecipientsFill :one
-- The message's recipients: one per address the audience reaches, in the
-- language of its latest matching order, numbered from 0 in address
-- order (the place each one's job is paced at). Returns how many.
WITH audience AS (
    SELECT DISTINCT ON (o.email) o.email, o.locale FROM orders o
    WHERE o.tenant_id = @tenant_id::uuid AND o.erased_at IS NULL
      AND CASE WHEN @kind::text = 'status' THEN o.status = @status::text
               ELSE o.status NOT IN ('cancelled', 'pending_payment') END
      AND (@kind::text NOT IN ('product', 'variant') OR EXISTS (
          SELECT 1 FROM order_items i WHERE i.tenant_id = o.tenant_id AND i.order_id = o.id
            AND CASE WHEN @kind::text = 'product' THEN i.product_id = @product_id::uuid ELSE i.variant_id = @variant_id::uuid END))
    ORDER BY o.email, o.created_at DESC, o.id
), inserted AS (
    INSERT INTO message_recipients (tenant_id, message_id, email, locale, position)
    SELECT @tenant_id::uuid, @message_id::uuid, email, locale, (row_number() OVER (ORDER BY email) - 1)::int FROM audience
    ON CONFLICT DO NOTHING
    RETURNING 1)
SELECT count(*)::int FROM inserted;

-- name: MessageRate :one
SELECT coalesce((SELECT message_rate FROM storefront_settings WHERE tenant_id = @tenant_id::uuid), 10)::int AS rate;

-- name: MessageRecipientClaim :one
-- Claims a recipient for one send: one still pending, or one claimed
-- before stale by a worker that never said how it went (killed). No row:
-- sent, failed, or being sent by a live worker.
UPDATE message_recipients SET state = 'sending', claimed_at = @now::timestamptz, attempts = attempts + 1
WHERE tenant_id = @tenant_id::uuid AND message_id = @message_id::uuid AND position = @position::int
  AND (state = 'pending' OR (state = 'sending' AND claimed_at < @stale::timestamptz))
RETURNING email, locale, attempts;

-- name: MessageRecipientFinish :execrows
-- Records how a claimed send went: sent, failed (for good), or pending
-- again (to be retried).
UPDATE message_recipients SET state = @state::text, error = @error::text,
    sent_at = CASE WHEN @state::text = 'sent' THEN @now::timestamptz END
WHERE tenant_id = @tenant_id::uuid AND message_id = @message_id::uuid AND position = @position::int AND state = 'sending';

-- name: MessageFinishIfDone :execrows
-- Marks the message sent once no recipient is left to send.
UPDATE messages SET state = 'sent', finished_at = @now::timestamptz
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid AND state = 'sending'
  AND NOT EXISTS (SELECT 1 FROM message_recipients r WHERE r.tenant_id = @tenant_id::uuid AND r.message_id = @id::uuid
                  AND r.state IN ('pending', 'sending'));

-- name: MessageRecipientsErase :exec
-- Forgets the addresses of erased people (ErasePerson, the retention
-- sweep): each becomes a random placeholder, so the messages' counts stay
-- right, and one not yet sent will not be.
UPDATE message_recipients SET email = 'erased:' || gen_random_uuid()::text,
    state = CASE WHEN state IN ('pending', 'sending') THEN 'failed' ELSE state END,
    error = CASE WHEN state IN ('pending', 'sending') THEN 'erased' ELSE error END
WHERE tenant_id = @tenant_id::uuid AND email = ANY(@emails::text[]);
