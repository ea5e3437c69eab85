-- name: TenantGetBySlug :one
SELECT * FROM tenants WHERE slug = @slug::text;

-- name: TenantGetByVerifiedDomain :one
SELECT t.*
FROM tenants t
JOIN domains d ON d.tenant_id = t.id
WHERE d.hostname = @hostname::text AND d.verified_at IS NOT NULL;

-- name: TenantGetByID :one
SELECT * FROM tenants WHERE id = @id::uuid;

-- name: TenantInsert :one
INSERT INTO tenants (slug, name, status, default_locale, locales)
VALUES (@slug::text, @name::text, @status::text, @default_locale::text, @locales::text[])
RETURNING *;

-- name: TenantList :many
-- Keyset pagination by slug: pass the last slug of the previous page.
SELECT * FROM tenants
WHERE slug > @after_slug::text
ORDER BY slug
LIMIT @max_rows::int;

-- name: TenantSetStatus :one
UPDATE tenants SET status = @status::text WHERE id = @id::uuid RETURNING *;

-- name: TenantInsertFull :one
INSERT INTO tenants (slug, name, status, default_locale, locales, currency, starts_on, ends_on, closes_at)
VALUES (@slug::text, @name::text, @status::text, @default_locale::text, @locales::text[], @currency::text,
        sqlc.narg('starts_on')::date, sqlc.narg('ends_on')::date, sqlc.narg('closes_at')::timestamptz)
RETURNING *;

-- name: TenantSetClosesAt :one
-- When the shop stops taking orders (NULL: never by itself).
UPDATE tenants SET closes_at = sqlc.narg('closes_at')::timestamptz WHERE id = @id::uuid RETURNING *;

-- name: TenantLockName :one
-- The event's name before a rename, its row locked until the rename commits.
SELECT name FROM tenants WHERE id = @id::uuid FOR UPDATE;

-- name: TenantRename :one
UPDATE tenants SET name = @name::text WHERE id = @id::uuid RETURNING *;

-- name: TenantTransition :one
-- Moves an event to status only from one of the from statuses, so two ops
-- racing on one event cannot skip a rule.
UPDATE tenants SET status = @status::text
WHERE id = @id::uuid AND status = ANY (@from_statuses::text[])
RETURNING *;

-- name: TenantOrdersDeleteArchived :exec
-- Orders go first: their items reference products without a cascade (an
-- ordered product can never be deleted alone), so the tenant's cascade
-- could not remove its products while items still point at them.
DELETE FROM orders o
WHERE o.tenant_id = @id::uuid AND EXISTS (SELECT 1 FROM tenants t WHERE t.id = @id::uuid AND t.status = 'archived');

-- name: TenantDeleteArchived :execrows
-- Deletes an archived event and, through the foreign keys, everything it
-- owns: orders and their personal data, staff memberships, audit rows.
DELETE FROM tenants WHERE id = @id::uuid AND status = 'archived';
