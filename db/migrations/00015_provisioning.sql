-- +goose Up
-- Custom domains go through states: pending (added, records shown) →
-- verified (TXT proves control, the name points at the platform) or
-- failed (with the reason). A verified domain that a periodic re-check
-- finds no longer pointing at the platform is flagged failed with the
-- reason but keeps routing (verified_at stays): taking a live shop offline
-- on one bad DNS answer would hurt more than it protects. "active" (a
-- certificate obtained) is read from the certificate storage, not kept
-- here, so it cannot drift from what the TLS layer really has.
ALTER TABLE domains
    ADD COLUMN state      text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'verified', 'failed')),
    ADD COLUMN last_error text NOT NULL DEFAULT '',
    ADD COLUMN checked_at timestamptz;
UPDATE domains SET state = 'verified' WHERE verified_at IS NOT NULL;

-- Bearer tokens for the JSON API on the console host. Only the SHA-256 of
-- a token is kept; scopes limit what it may do; revoked_at ends it.
CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   bytea NOT NULL CHECK (length(token_hash) = 32),
    scopes       text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['events:read', 'events:write', 'domains:write']),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON api_tokens TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE ON api_tokens TO marquee_platform;

-- +goose Down
DROP TABLE api_tokens;
ALTER TABLE domains DROP COLUMN checked_at, DROP COLUMN last_error, DROP COLUMN state;
