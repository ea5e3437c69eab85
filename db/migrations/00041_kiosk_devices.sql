-- +goose Up
-- Kiosk devices (issue 19): a tablet at a stand that shows an event's
-- sign-up form full screen. The console issues a device link bound to one
-- event; the link's secret is the device's only credential, so the table
-- keeps its SHA-256 (token_hash), never the secret. last_seen_at is when
-- the device last opened its page or sent a sign-up (at most once a
-- minute); revoked_at ends the link for good.
CREATE TABLE kiosk_devices (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    token_hash   bytea NOT NULL,
    created_by   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz,
    revoked_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE INDEX kiosk_devices_list ON kiosk_devices (tenant_id, created_at DESC, id);

ALTER TABLE kiosk_devices ENABLE ROW LEVEL SECURITY;
ALTER TABLE kiosk_devices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kiosk_devices TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON kiosk_devices TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON kiosk_devices TO marquee_app, marquee_platform;

-- +goose Down
DROP TABLE kiosk_devices;
