-- Webhooks (issue 19): endpoints, messages, deliveries and their
-- attempts. An endpoint's scope is its tenant_id: an event's, or NULL for
-- the platform's; the scope queries compare it with IS NOT DISTINCT FROM.

-- name: WebhookEmit :one
-- A message to every enabled endpoint subscribed to its type (the event's
-- and the platform's), in one statement of the change's transaction:
-- without such an endpoint it writes nothing. Each delivery gets its River
-- job (as JobInsert writes one), and the workers are told once.
WITH endpoint AS (
    SELECT e.id FROM webhook_endpoints e
    WHERE e.enabled AND (e.tenant_id = @tenant_id::uuid OR e.tenant_id IS NULL) AND @type::text = ANY (e.types)
), message AS (
    INSERT INTO webhook_messages (id, tenant_id, type, payload)
    SELECT @id::uuid, @tenant_id::uuid, @type::text, @payload::jsonb WHERE EXISTS (SELECT 1 FROM endpoint)
    RETURNING id
), delivery AS (
    INSERT INTO webhook_deliveries (tenant_id, message_id, endpoint_id)
    SELECT @tenant_id::uuid, message.id, endpoint.id FROM message, endpoint
    RETURNING id
), job AS (
    INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, tags, metadata)
    SELECT json_build_object('tenant_id', @tenant_id::uuid, 'delivery_id', delivery.id)::jsonb, @kind::text,
           @max_attempts::smallint, 1::smallint, 'default', 'available'::river_job_state, now(), '{}', '{}'
    FROM delivery
    RETURNING queue
)
SELECT (SELECT count(*) FROM job)::int AS deliveries,
       (SELECT count(*) FROM (SELECT pg_notify(current_schema() || '.river_insert', json_build_object('queue', queue)::text) FROM job LIMIT 1) n)::int AS notified;

-- name: WebhookEmitSoldOut :one
-- stock.sold_out for each option among variant_ids with no unit left, to
-- the endpoints WebhookEmit would choose, in one statement of the
-- transaction that took the last unit; nothing without such an endpoint.
WITH endpoint AS (
    SELECT e.id FROM webhook_endpoints e
    WHERE e.enabled AND (e.tenant_id = @tenant_id::uuid OR e.tenant_id IS NULL) AND 'stock.sold_out' = ANY (e.types)
), sold AS (
    SELECT v.id, v.product_id, v.label, p.name FROM variants v
    JOIN products p ON p.tenant_id = v.tenant_id AND p.id = v.product_id
    WHERE EXISTS (SELECT 1 FROM endpoint) AND v.tenant_id = @tenant_id::uuid AND v.id = ANY (@variant_ids::uuid[]) AND v.stock = 0
), message AS (
    INSERT INTO webhook_messages (tenant_id, type, payload)
    SELECT @tenant_id::uuid, 'stock.sold_out', jsonb_build_object('event_id', @tenant_id::uuid, 'product_id', sold.product_id,
           'variant_id', sold.id, 'product_name', sold.name, 'variant_label', sold.label)
    FROM sold
    RETURNING id
), delivery AS (
    INSERT INTO webhook_deliveries (tenant_id, message_id, endpoint_id)
    SELECT @tenant_id::uuid, message.id, endpoint.id FROM message, endpoint
    RETURNING id
), job AS (
    INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, tags, metadata)
    SELECT json_build_object('tenant_id', @tenant_id::uuid, 'delivery_id', delivery.id)::jsonb, @kind::text,
           @max_attempts::smallint, 1::smallint, 'default', 'available'::river_job_state, now(), '{}', '{}'
    FROM delivery
    RETURNING queue
)
SELECT (SELECT count(*) FROM job)::int AS deliveries,
       (SELECT count(*) FROM (SELECT pg_notify(current_schema() || '.river_insert', json_build_object('queue', queue)::text) FROM job LIMIT 1) n)::int AS notified;

-- name: WebhookEndpointList :many
SELECT * FROM webhook_endpoints
WHERE tenant_id IS NOT DISTINCT FROM sqlc.narg('tenant_id')::uuid
ORDER BY created_at, id;

-- name: WebhookEndpointGet :one
SELECT * FROM webhook_endpoints
WHERE tenant_id IS NOT DISTINCT FROM sqlc.narg('tenant_id')::uuid AND id = @id::uuid;

-- name: WebhookEndpointInsert :one
INSERT INTO webhook_endpoints (tenant_id, url, description, types, secret, enabled, disabled_at, disabled_reason, created_by)
VALUES (sqlc.narg('tenant_id')::uuid, @url::text, @description::text, @types::text[], @secret::text, @enabled::boolean,
        CASE WHEN @enabled::boolean THEN NULL ELSE now() END, CASE WHEN @enabled::boolean THEN '' ELSE 'by_staff' END,
        sqlc.narg('created_by')::uuid)
RETURNING *;

-- name: WebhookEndpointUpdate :one
-- Changes an endpoint; enabling a disabled one clears why it was
-- disabled and its run of failures.
UPDATE webhook_endpoints SET url = @url::text, description = @description::text, types = @types::text[],
    enabled = @enabled::boolean,
    disabled_at = CASE WHEN @enabled::boolean THEN NULL WHEN enabled THEN now() ELSE disabled_at END,
    disabled_reason = CASE WHEN @enabled::boolean THEN '' WHEN enabled THEN 'by_staff' ELSE disabled_reason END,
    failing_since = CASE WHEN @enabled::boolean AND NOT enabled THEN NULL ELSE failing_since END,
    updated_at = now()
WHERE tenant_id IS NOT DISTINCT FROM sqlc.narg('tenant_id')::uuid AND id = @id::uuid
RETURNING *;

-- name: WebhookEndpointDelete :execrows
DELETE FROM webhook_endpoints
WHERE tenant_id IS NOT DISTINCT FROM sqlc.narg('tenant_id')::uuid AND id = @id::uuid;

-- name: WebhookEndpointRotate :one
-- A new secret; the one before keeps signing until previous_until.
UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = @previous_until::timestamptz,
    secret = @secret::text, updated_at = now()
WHERE tenant_id IS NOT DISTINCT FROM sqlc.narg('tenant_id')::uuid AND id = @id::uuid
RETURNING *;

-- name: WebhookDeliveryList :many
-- A page of an endpoint's deliveries, newest first, after a cursor (the
-- last row's created_at and id; NULL: from the newest).
SELECT d.*, m.type FROM webhook_deliveries d
JOIN webhook_messages m ON m.id = d.message_id
WHERE d.endpoint_id = @endpoint_id::uuid
  AND (sqlc.narg('before_at')::timestamptz IS NULL
       OR (d.created_at, d.id) < (sqlc.narg('before_at')::timestamptz, sqlc.narg('before_id')::uuid))
ORDER BY d.created_at DESC, d.id DESC
LIMIT @max_rows::int;

-- name: WebhookDeliveryGet :one
-- A delivery of an endpoint in the scope.
SELECT d.*, m.type FROM webhook_deliveries d
JOIN webhook_messages m ON m.id = d.message_id
JOIN webhook_endpoints e ON e.id = d.endpoint_id
WHERE d.id = @id::uuid AND e.tenant_id IS NOT DISTINCT FROM sqlc.narg('tenant_id')::uuid;

-- name: WebhookDeliveryQueue :one
-- A new delivery of a message to an endpoint (a resend, a test) and its
-- River job.
WITH delivery AS (
    INSERT INTO webhook_deliveries (tenant_id, message_id, endpoint_id)
    VALUES (sqlc.narg('tenant_id')::uuid, @message_id::uuid, @endpoint_id::uuid)
    RETURNING *
), job AS (
    INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, tags, metadata)
    SELECT json_build_object('tenant_id', delivery.tenant_id, 'delivery_id', delivery.id)::jsonb, @kind::text,
           @max_attempts::smallint, 1::smallint, 'default', 'available'::river_job_state, now(), '{}', '{}'
    FROM delivery
    RETURNING queue
), notified AS (
    SELECT pg_notify(current_schema() || '.river_insert', json_build_object('queue', queue)::text) FROM job
)
SELECT delivery.*, (SELECT count(*) FROM notified)::int AS notified FROM delivery;

-- name: WebhookMessageInsert :exec
INSERT INTO webhook_messages (id, tenant_id, type, payload)
VALUES (@id::uuid, sqlc.narg('tenant_id')::uuid, @type::text, @payload::jsonb);

-- name: WebhookDeliveryForSend :one
-- What one attempt sends: the delivery, its message and its endpoint.
SELECT d.id, d.tenant_id, d.state, d.attempts, m.id AS message_id, m.type, m.payload, m.created_at AS message_at,
       e.id AS endpoint_id, e.url, e.secret, e.previous_secret, e.previous_secret_until, e.enabled
FROM webhook_deliveries d
JOIN webhook_messages m ON m.id = d.message_id
JOIN webhook_endpoints e ON e.id = d.endpoint_id
WHERE d.id = @id::uuid;

-- name: WebhookAttemptInsert :exec
INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, status_code, response_excerpt, error, duration_ms, at)
VALUES (sqlc.narg('tenant_id')::uuid, @delivery_id::uuid, @attempt::int, @status_code::int, @response_excerpt::text,
        @error::text, @duration_ms::int, @at::timestamptz);

-- name: WebhookDeliveryRecord :one
-- The outcome of an attempt, on a delivery still pending (a second worker
-- of the same delivery finds it finished: no row).
UPDATE webhook_deliveries SET state = @state::text, attempts = @attempt::int, status_code = @status_code::int,
    response_excerpt = @response_excerpt::text, error = @error::text, duration_ms = @duration_ms::int,
    last_attempt_at = @at::timestamptz, next_attempt_at = sqlc.narg('next_attempt_at')::timestamptz
WHERE id = @id::uuid AND state = 'pending'
RETURNING endpoint_id;

-- name: WebhookEndpointSucceeded :exec
UPDATE webhook_endpoints SET failing_since = NULL WHERE id = @id::uuid AND failing_since IS NOT NULL;

-- name: WebhookEndpointFailed :one
-- A failed attempt: the endpoint's run of failures begins now unless it
-- began before.
UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, @at::timestamptz)
WHERE id = @id::uuid
RETURNING failing_since::timestamptz, enabled;

-- name: WebhookEndpointDisable :execrows
-- Disables an enabled endpoint (no row: it was not).
UPDATE webhook_endpoints SET enabled = false, disabled_at = @at::timestamptz, disabled_reason = @reason::text, updated_at = @at::timestamptz
WHERE id = @id::uuid AND enabled;

-- name: WebhookEndpointGetAny :one
-- An endpoint of any scope (the platform role's workers).
SELECT * FROM webhook_endpoints WHERE id = @id::uuid;

-- name: WebhookOwnerEmails :many
-- Who is told that an endpoint was disabled: the staff member who
-- created it; for one a token created, the event's owners (or, for a
-- platform-wide one, the platform admins).
SELECT s.email FROM webhook_endpoints e JOIN staff s ON s.id = e.created_by WHERE e.id = @id::uuid
UNION
SELECT s.email FROM webhook_endpoints e
JOIN memberships m ON m.tenant_id = e.tenant_id AND m.role = 'owner'
JOIN staff s ON s.id = m.staff_id
WHERE e.id = @id::uuid AND e.created_by IS NULL
UNION
SELECT s.email FROM webhook_endpoints e, staff s
WHERE e.id = @id::uuid AND e.created_by IS NULL AND e.tenant_id IS NULL AND s.platform_admin
ORDER BY 1;

-- name: WebhookDeliveryFail :exec
-- Ends a pending delivery that will not be attempted again, keeping its
-- last attempt's outcome.
UPDATE webhook_deliveries SET state = 'failed', error = @error::text, next_attempt_at = NULL
WHERE id = @id::uuid AND state = 'pending';

-- name: WebhookOrderMessagesErase :exec
-- Empties the event's order.* messages about the person with email (NULL:
-- every one of the event's, its retention period ended): the order's id,
-- number and event stay for the delivery log, and a delivery still to
-- come sends only those (as SignupMessagesErase does for sign-ups).
UPDATE webhook_messages
SET payload = jsonb_build_object('id', payload -> 'id', 'event_id', payload -> 'event_id', 'number', payload -> 'number', 'erased', true)
WHERE tenant_id = @tenant_id::uuid AND type LIKE 'order.%' AND (payload ->> 'erased')::boolean IS NOT TRUE
  AND (sqlc.narg('email')::text IS NULL OR lower(payload ->> 'email') = sqlc.narg('email')::text);
