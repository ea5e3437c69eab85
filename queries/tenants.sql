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
