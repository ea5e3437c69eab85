-- +goose Up
-- How an event looks: one row per version. The storefront shows the newest
-- published version; drafts and history arrive with the branding editor.
CREATE TABLE brandings (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    version      integer NOT NULL CHECK (version > 0),
    state        text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published')),
    theme        text NOT NULL DEFAULT 'classic',
    color_primary    text NOT NULL CHECK (color_primary ~ '^#[0-9a-f]{6}$'),
    color_accent     text NOT NULL CHECK (color_accent ~ '^#[0-9a-f]{6}$'),
    color_background text NOT NULL CHECK (color_background ~ '^#[0-9a-f]{6}$'),
    color_text       text NOT NULL CHECK (color_text ~ '^#[0-9a-f]{6}$'),
    -- {"en": {"title": …, "tagline": …, "description": …}, "de": {…}}
    copy         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(copy) = 'object'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    UNIQUE (tenant_id, version)
);

ALTER TABLE brandings ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandings TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON brandings TO marquee_platform
    USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON brandings TO marquee_app, marquee_platform;

CREATE TRIGGER brandings_notify AFTER INSERT OR UPDATE OR DELETE ON brandings
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();

-- +goose Down
DROP TABLE brandings;
