-- name: DomainInsert :one
INSERT INTO domains (tenant_id, hostname, verified_at)
VALUES (@tenant_id::uuid, @hostname::text, sqlc.narg('verified_at')::timestamptz)
RETURNING *;
