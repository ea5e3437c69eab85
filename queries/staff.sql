-- Staff identity: accounts, memberships, sessions, one-time links, login
-- attempts and the audit log. Everything but the tenant's audit page runs
-- as marquee_platform (db.InPlatform).

-- name: StaffInsert :one
INSERT INTO staff (email, name, platform_admin)
VALUES (@email::text, @name::text, @platform_admin::boolean)
RETURNING *;

-- name: StaffEnsure :one
-- The account of email, created (without a name or password) if missing.
INSERT INTO staff (email) VALUES (@email::text)
ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
RETURNING *;

-- name: StaffGetByID :one
SELECT * FROM staff WHERE id = @id::uuid;

-- name: StaffGetByEmail :one
SELECT * FROM staff WHERE email = @email::text;

-- name: StaffSetPassword :one
UPDATE staff SET password_hash = @password_hash::text WHERE id = @id::uuid RETURNING *;

-- name: StaffSetName :one
UPDATE staff SET name = @name::text WHERE id = @id::uuid RETURNING *;

-- name: MembershipList :many
SELECT * FROM memberships WHERE staff_id = @staff_id::uuid ORDER BY tenant_id;

-- name: MembershipGetForUpdate :one
SELECT * FROM memberships WHERE tenant_id = @tenant_id::uuid AND staff_id = @staff_id::uuid FOR UPDATE;

-- name: MembershipUpsert :exec
INSERT INTO memberships (tenant_id, staff_id, role)
VALUES (@tenant_id::uuid, @staff_id::uuid, @role::text)
ON CONFLICT (tenant_id, staff_id) DO UPDATE SET role = EXCLUDED.role;

-- name: StaffSessionInsert :one
INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at, expires_at, user_agent, ip)
VALUES (@token_hash::bytea, @staff_id::uuid, @now::timestamptz, @now::timestamptz,
        @expires_at::timestamptz, @user_agent::text, sqlc.narg('ip')::inet)
RETURNING *;

-- name: StaffSessionGetByTokenHash :one
-- A session that has not been revoked, with its staff member. Whether it
-- has timed out is the policy's to say.
SELECT sqlc.embed(s), sqlc.embed(st)
FROM staff_sessions s
JOIN staff st ON st.id = s.staff_id
WHERE s.token_hash = @token_hash::bytea AND s.revoked_at IS NULL;

-- name: StaffSessionTouch :exec
UPDATE staff_sessions SET last_seen_at = @now::timestamptz
WHERE id = @id::uuid AND last_seen_at < @now::timestamptz;

-- name: StaffSessionRevoke :one
UPDATE staff_sessions SET revoked_at = @now::timestamptz
WHERE token_hash = @token_hash::bytea AND revoked_at IS NULL
RETURNING *;

-- name: StaffSessionRevokeAll :execrows
-- Signs a staff member out everywhere.
UPDATE staff_sessions SET revoked_at = @now::timestamptz
WHERE staff_id = @staff_id::uuid AND revoked_at IS NULL;

-- name: StaffTokenInsert :exec
INSERT INTO staff_tokens (token_hash, purpose, staff_id, tenant_id, role, expires_at, created_at)
VALUES (@token_hash::bytea, @purpose::text, @staff_id::uuid, sqlc.narg('tenant_id')::uuid,
        sqlc.narg('role')::text, @expires_at::timestamptz, @now::timestamptz);

-- name: StaffTokenUse :one
-- Spends a one-time link: the same statement checks that it is unspent and
-- unexpired and marks it spent, so two concurrent uses cannot both win.
UPDATE staff_tokens SET used_at = @now::timestamptz
WHERE token_hash = @token_hash::bytea AND purpose = @purpose::text
  AND used_at IS NULL AND expires_at > @now::timestamptz
RETURNING *;

-- name: StaffTokenSpendAll :exec
-- Spends every unspent link of one purpose of a staff member: a new reset
-- link, or a completed reset, makes the older links useless.
UPDATE staff_tokens SET used_at = @now::timestamptz
WHERE staff_id = @staff_id::uuid AND purpose = @purpose::text AND used_at IS NULL;

-- name: LoginLock :exec
-- Serialises the logins from one client address block across replicas
-- until the end of the transaction, so that concurrent guesses cannot all
-- pass the failure counts before any of them is recorded.
SELECT pg_advisory_xact_lock(hashtextextended(@key::text, 0));

-- name: LoginAttemptInsert :exec
INSERT INTO login_attempts (email, ip, succeeded, at)
VALUES (@email::text, @ip::inet, @succeeded::boolean, @now::timestamptz);

-- name: LoginFailuresByPair :one
-- Failed logins of one account from one address block since a time, not
-- counting those before the latest successful login of that account from
-- that block.
SELECT count(*) FROM login_attempts
WHERE email = @email::text AND ip <<= @block::cidr AND NOT succeeded AND at > @since::timestamptz
  AND at > coalesce((SELECT max(at) FROM login_attempts
                     WHERE email = @email::text AND ip <<= @block::cidr AND succeeded
                       AND at > @since::timestamptz),
                    '-infinity');

-- name: LoginFailuresByBlock :one
-- Failed logins from one address block since a time, whatever the account
-- and whatever succeeded in between.
SELECT count(*) FROM login_attempts
WHERE ip <<= @block::cidr AND NOT succeeded AND at > @since::timestamptz;

-- name: AuditInsert :exec
INSERT INTO audit_log (tenant_id, actor_staff_id, action, subject, detail, ip, at)
VALUES (sqlc.narg('tenant_id')::uuid, sqlc.narg('actor_staff_id')::uuid, @action::text,
        @subject::text, @detail::jsonb, sqlc.narg('ip')::inet, @now::timestamptz);

-- name: AuditList :many
-- Newest first; one event's entries, or every entry when tenant_id is NULL.
SELECT * FROM audit_log
WHERE sqlc.narg('tenant_id')::uuid IS NULL OR tenant_id = sqlc.narg('tenant_id')::uuid
ORDER BY id DESC
LIMIT @max_rows::int;
