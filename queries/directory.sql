-- The TLS decision's view of the platform: every event's slug, whether it
-- is active, and its verified custom hostnames.

-- name: DirectoryAll :many
SELECT t.id, t.slug, t.status,
       coalesce(array_agg(d.hostname ORDER BY d.hostname) FILTER (WHERE d.verified_at IS NOT NULL), '{}')::text[] AS hostnames
FROM tenants t
LEFT JOIN domains d ON d.tenant_id = t.id
GROUP BY t.id, t.slug, t.status;

-- name: DirectoryOne :one
SELECT t.id, t.slug, t.status,
       coalesce(array_agg(d.hostname ORDER BY d.hostname) FILTER (WHERE d.verified_at IS NOT NULL), '{}')::text[] AS hostnames
FROM tenants t
LEFT JOIN domains d ON d.tenant_id = t.id
WHERE t.id = @id::uuid
GROUP BY t.id, t.slug, t.status;
