-- +goose Up
-- Webhooks (issue 19): endpoints staff register, per event (tenant_id) or
-- platform-wide (tenant_id NULL: every event's messages of its types).
-- The secret signs every delivery (Standard Webhooks, "whsec_..."); after
-- a rotation the previous one still signs until previous_secret_until, so
-- a receiver can switch without losing a message. An endpoint that keeps
-- failing is disabled (enabled false, disabled_at, disabled_reason);
-- failing_since is when its current run of failures began (NULL: its last
-- attempt succeeded).
CREATE TABLE webhook_endpoints (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id             uuid REFERENCES tenants (id) ON DELETE CASCADE,
    url                   text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description           text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    types                 text[] NOT NULL CHECK (cardinality(types) > 0),
    secret                text NOT NULL,
    previous_secret       text NOT NULL DEFAULT '',
    previous_secret_until timestamptz,
    enabled               boolean NOT NULL DEFAULT true,
    disabled_at           timestamptz,
    disabled_reason       text NOT NULL DEFAULT '',
    failing_since         timestamptz,
    created_by            uuid REFERENCES staff (id) ON DELETE SET NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
-- What every emission reads: the enabled endpoints of one event and the
-- platform's (tenant_id NULL).
CREATE INDEX webhook_endpoints_enabled ON webhook_endpoints (tenant_id) WHERE enabled;

-- One message per change (an order placed, a sign-up…), with its type and
-- data; its id is the webhook-id every delivery of it carries. tenant_id
-- is the event it is about (NULL: a test sent to a platform-wide
-- endpoint).
CREATE TABLE webhook_messages (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid REFERENCES tenants (id) ON DELETE CASCADE,
    type       text NOT NULL,
    payload    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_messages_tenant ON webhook_messages (tenant_id, created_at);

-- One message to one endpoint, worked by one River job at a time; state:
-- pending (attempts to come), succeeded (a 2xx), failed (out of attempts,
-- or its endpoint gone or disabled). The last attempt's outcome is kept
-- here for the log; every attempt is in webhook_attempts. tenant_id is the
-- message's (a platform-wide endpoint's deliveries are each event's).
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid REFERENCES tenants (id) ON DELETE CASCADE,
    message_id       uuid NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    status_code      integer NOT NULL DEFAULT 0, -- the last attempt's HTTP status (0: no answer)
    response_excerpt text NOT NULL DEFAULT '',
    error            text NOT NULL DEFAULT '',
    duration_ms      integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_attempt_at  timestamptz,
    next_attempt_at  timestamptz
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id);
CREATE INDEX webhook_deliveries_message ON webhook_deliveries (message_id);
CREATE INDEX webhook_deliveries_tenant ON webhook_deliveries (tenant_id);

-- Every attempt of a delivery: what the endpoint answered (status,
-- the start of its body) or the error, and how long it took.
CREATE TABLE webhook_attempts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        uuid REFERENCES tenants (id) ON DELETE CASCADE,
    delivery_id      uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt          integer NOT NULL,
    status_code      integer NOT NULL DEFAULT 0,
    response_excerpt text NOT NULL DEFAULT '',
    error            text NOT NULL DEFAULT '',
    duration_ms      integer NOT NULL DEFAULT 0,
    at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);
CREATE INDEX webhook_attempts_tenant ON webhook_attempts (tenant_id);

-- An event's requests see its own endpoints and read the platform's
-- (emission finds them), but change only their own.
ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_endpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_endpoints TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_endpoints_read ON webhook_endpoints FOR SELECT TO marquee_app
    USING (tenant_id IS NULL);
CREATE POLICY platform_access ON webhook_endpoints TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO marquee_app, marquee_platform;

ALTER TABLE webhook_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_messages TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON webhook_messages TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_messages TO marquee_app, marquee_platform;

ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_deliveries TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON webhook_deliveries TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_deliveries TO marquee_app, marquee_platform;

ALTER TABLE webhook_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_attempts TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON webhook_attempts TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_attempts TO marquee_app, marquee_platform;

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_messages;
DROP TABLE webhook_endpoints;
