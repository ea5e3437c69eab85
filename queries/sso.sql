-- Sign-ins with the platform's OpenID provider under way (db.StaffStore's
-- BeginSSO and UseSSO), as marquee_platform.

-- name: SSOAttemptInsert :exec
INSERT INTO sso_attempts (state_hash, nonce, verifier, created_at, expires_at)
VALUES (@state_hash::bytea, @nonce::text, @verifier::text, @now::timestamptz, @expires_at::timestamptz);

-- name: SSOAttemptUse :one
-- Spends a sign-in's state: the same statement checks that it is unspent
-- and unexpired and marks it spent, so a replayed callback finds nothing.
UPDATE sso_attempts SET used_at = @now::timestamptz
WHERE state_hash = @state_hash::bytea AND used_at IS NULL AND expires_at > @now::timestamptz
RETURNING nonce, verifier;

-- name: SSOAttemptPrune :exec
-- Forgets sign-ins that ended more than a day ago (a spent state stays a
-- while so that its replay is told apart in the logs from nonsense).
DELETE FROM sso_attempts WHERE expires_at < @before::timestamptz;
