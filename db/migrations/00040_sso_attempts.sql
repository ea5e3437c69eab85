-- +goose Up
-- Sign-ins with the platform's OpenID provider under way (issue 19): the
-- state the provider sends back, the nonce its ID token must carry and
-- the PKCE verifier of the code exchange. The row holds the state's
-- SHA-256 only; the browser holds the state (in a cookie too, which binds
-- the sign-in to it). A callback spends the row (used_at), so a state is
-- good once, for a few minutes. A platform table, like staff_sessions.
CREATE TABLE sso_attempts (
    state_hash bytea PRIMARY KEY CHECK (length(state_hash) = 32),
    nonce      text NOT NULL CHECK (length(nonce) BETWEEN 16 AND 200),
    verifier   text NOT NULL CHECK (length(verifier) BETWEEN 43 AND 128),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX sso_attempts_expires ON sso_attempts (expires_at);

ALTER TABLE sso_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON sso_attempts TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_attempts TO marquee_platform;

-- +goose Down
DROP TABLE sso_attempts;
