-- The audit log as the console reads it: a page of entries by filter, and
-- the names its entries point at. AuditInsert and AuditList, which write
-- and read the log for the stores, are in staff.sql.

-- name: AuditSearch :many
-- Newest first, before_id excluded; every filter NULL is no filter. One
-- event's entries when tenant_id is set (read in that event's transaction,
-- so row-level security confines them too), else every entry.
SELECT * FROM audit_log
WHERE (sqlc.narg('tenant_id')::uuid IS NULL OR tenant_id = sqlc.narg('tenant_id')::uuid)
  AND (sqlc.narg('actor_staff_id')::uuid IS NULL OR actor_staff_id = sqlc.narg('actor_staff_id')::uuid)
  AND (sqlc.narg('action')::text IS NULL OR action = sqlc.narg('action')::text)
  AND (sqlc.narg('from_at')::timestamptz IS NULL OR at >= sqlc.narg('from_at')::timestamptz)
  AND (sqlc.narg('until_at')::timestamptz IS NULL OR at < sqlc.narg('until_at')::timestamptz)
  AND (sqlc.narg('before_id')::bigint IS NULL OR id < sqlc.narg('before_id')::bigint)
ORDER BY id DESC
LIMIT @max_rows::int;

-- name: AuditStaffEmails :many
-- The emails of the accounts an audit page names (platform role).
SELECT id, email FROM staff WHERE id = ANY(@ids::uuid[]);

-- name: AuditEventSlugs :many
-- The short names of the events an audit page names (platform role).
SELECT id, slug FROM tenants WHERE id = ANY(@ids::uuid[]);
