-- name: DomainInsert :one
INSERT INTO domains (tenant_id, hostname, verified_at)
VALUES (@tenant_id::uuid, @hostname::text, sqlc.narg('verified_at')::timestamptz)
RETURNING *;

-- name: DomainList :many
SELECT * FROM domains WHERE tenant_id = @tenant_id::uuid ORDER BY hostname;

-- name: DomainGet :one
SELECT * FROM domains WHERE tenant_id = @tenant_id::uuid AND hostname = @hostname::text;

-- name: DomainSetVerified :one
UPDATE domains
SET state = 'verified', last_error = '', checked_at = now(), verified_at = coalesce(verified_at, now())
WHERE tenant_id = @tenant_id::uuid AND hostname = @hostname::text
RETURNING *;

-- name: DomainSetFailed :one
UPDATE domains SET state = 'failed', last_error = @last_error::text, checked_at = now()
WHERE tenant_id = @tenant_id::uuid AND hostname = @hostname::text
RETURNING *;

-- name: DomainDelete :execrows
DELETE FROM domains WHERE tenant_id = @tenant_id::uuid AND hostname = @hostname::text;

-- name: DomainsToRecheck :many
-- Verified (or flagged) domains whose last check is older than the cutoff.
SELECT * FROM domains
WHERE verified_at IS NOT NULL AND (checked_at IS NULL OR checked_at < @checked_before::timestamptz)
ORDER BY checked_at NULLS FIRST
LIMIT @max_rows::int;

-- name: DomainsAll :many
SELECT d.*, t.slug AS tenant_slug FROM domains d JOIN tenants t ON t.id = d.tenant_id ORDER BY d.hostname;
