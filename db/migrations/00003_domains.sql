-- +goose Up
-- Custom hostnames an event answers on besides SLUG.BASE_DOMAIN. Only a
-- verified hostname routes to its event.
CREATE TABLE domains (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    hostname           text NOT NULL UNIQUE CHECK (hostname = lower(hostname) AND length(hostname) BETWEEN 1 AND 253),
    verification_token text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
    verified_at        timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX domains_tenant_id ON domains (tenant_id);

ALTER TABLE domains ENABLE ROW LEVEL SECURITY;
ALTER TABLE domains FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON domains TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON domains TO marquee_platform
    USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON domains TO marquee_app, marquee_platform;

CREATE TRIGGER domains_touch BEFORE UPDATE ON domains
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER domains_notify AFTER INSERT OR UPDATE OR DELETE ON domains
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();

-- +goose Down
DROP TABLE domains;
