-- name: APITokenInsert :one
INSERT INTO api_tokens (name, token_hash, scopes, tenant_id, created_by)
VALUES (@name::text, @token_hash::bytea, @scopes::text[], sqlc.narg('tenant_id')::uuid, @created_by::text)
RETURNING *;

-- name: APITokenByHash :one
UPDATE api_tokens SET last_used_at = now()
WHERE token_hash = @token_hash::bytea AND revoked_at IS NULL
RETURNING *;

-- name: APITokenList :many
SELECT * FROM api_tokens ORDER BY created_at, id;

-- name: APITokenListByTenant :many
-- An event's own tokens, revoked ones included, newest first.
SELECT * FROM api_tokens WHERE tenant_id = @tenant_id::uuid ORDER BY created_at DESC, id;

-- name: APITokenRevoke :execrows
UPDATE api_tokens SET revoked_at = now() WHERE id = @id::uuid AND revoked_at IS NULL;

-- name: APITokenRevokeForTenant :execrows
-- Ends one of an event's tokens: another event's token is not touched.
UPDATE api_tokens SET revoked_at = now()
WHERE id = @id::uuid AND tenant_id = @tenant_id::uuid AND revoked_at IS NULL;

-- name: IdempotencyKeySweep :execrows
-- Deletes the keys older than cutoff, with the responses they keep.
DELETE FROM api_idempotency_keys
WHERE created_at < @cutoff::timestamptz;

-- name: IdempotencyKeyExpire :exec
-- Forgets key when its row is older than a day: it may be used again.
DELETE FROM api_idempotency_keys
WHERE token_id = @token_id::uuid AND key = @key::text AND created_at < now() - interval '24 hours';

-- name: IdempotencyKeyClaim :one
-- Claims key for a request: a fresh row (status NULL: running) when the
-- key is new, else the row as it is; inserted says which.
WITH ins AS (
    INSERT INTO api_idempotency_keys (token_id, key, request_hash)
    VALUES (@token_id::uuid, @key::text, @request_hash::bytea)
    ON CONFLICT (token_id, key) DO NOTHING
    RETURNING *
)
SELECT ins.*, true AS inserted FROM ins
UNION ALL
SELECT k.*, false AS inserted FROM api_idempotency_keys k
WHERE k.token_id = @token_id::uuid AND k.key = @key::text AND NOT EXISTS (SELECT 1 FROM ins);

-- name: IdempotencyKeyFinish :exec
UPDATE api_idempotency_keys
SET status = @status::integer, content_type = @content_type::text, location = @location::text, body = @body::bytea
WHERE token_id = @token_id::uuid AND key = @key::text;

-- name: IdempotencyKeyRelease :exec
-- Forgets a key whose request failed on our side, so a retry runs again.
DELETE FROM api_idempotency_keys WHERE token_id = @token_id::uuid AND key = @key::text;
