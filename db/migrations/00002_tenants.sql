-- +goose Up
CREATE TABLE tenants (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug           text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{1,61})[a-z0-9]$'),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'archived')),
    default_locale text NOT NULL DEFAULT 'en',
    locales        text[] NOT NULL DEFAULT '{en}' CHECK (default_locale = ANY (locales)),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
-- Inside a tenant transaction the app sees its own tenant row, read-only.
CREATE POLICY tenant_isolation ON tenants FOR SELECT TO marquee_app
    USING (id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON tenants TO marquee_platform
    USING (true) WITH CHECK (true);
GRANT SELECT ON tenants TO marquee_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants TO marquee_platform;

CREATE TRIGGER tenants_touch BEFORE UPDATE ON tenants
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER tenants_notify AFTER INSERT OR UPDATE OR DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();

-- +goose Down
DROP TABLE tenants;
