-- +goose Up
-- marquee:two-step contract-of=9b69a66 no code reads the old scope check: it refused scopes outside the first three, which the new check keeps
-- API tokens per event (issue 19): tenant_id NULL is a platform token (as
-- every token was), else the token only reaches that event; the event's
-- owner makes them in the console (created_by: the staff member, "" for
-- the CLI). The scopes grow to the whole REST API.
ALTER TABLE api_tokens
    ADD COLUMN tenant_id  uuid REFERENCES tenants (id) ON DELETE CASCADE,
    ADD COLUMN created_by text NOT NULL DEFAULT '';
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scopes_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scopes_check CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY[
    'events:read', 'events:write', 'domains:write', 'branding:read', 'branding:write',
    'catalogue:read', 'catalogue:write', 'orders:read', 'orders:write', 'suppliers:read', 'suppliers:write',
    'vouchers:read', 'vouchers:write', 'waitlists:read', 'waitlists:write', 'webhooks:read', 'webhooks:write',
    'signups:read']);

-- Idempotency keys of POST requests: the first request with a key stores
-- its response here (status NULL while it runs); a retry with the same
-- key and the same request gets the stored response, with another
-- request a 422. Kept a day (the retention sweep deletes older ones).
CREATE TABLE api_idempotency_keys (
    token_id     uuid NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL CHECK (length(request_hash) = 32),
    status       integer,
    content_type text NOT NULL DEFAULT '',
    location     text NOT NULL DEFAULT '',
    body         bytea NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_id, key)
);
CREATE INDEX api_idempotency_keys_created ON api_idempotency_keys (created_at);
ALTER TABLE api_idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON api_idempotency_keys TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON api_idempotency_keys TO marquee_platform;

-- +goose Down
DROP TABLE api_idempotency_keys;
DELETE FROM api_tokens WHERE tenant_id IS NOT NULL;
UPDATE api_tokens SET scopes = ARRAY(SELECT unnest(scopes) INTERSECT SELECT unnest(ARRAY['events:read', 'events:write', 'domains:write']));
DELETE FROM api_tokens WHERE cardinality(scopes) = 0;
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scopes_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scopes_check CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['events:read', 'events:write', 'domains:write']);
ALTER TABLE api_tokens DROP COLUMN created_by, DROP COLUMN tenant_id;
