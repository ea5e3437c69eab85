-- +goose Up
-- What an event is, beyond its name: the currency its prices are in and
-- when it happens. Set when the event is provisioned.
ALTER TABLE tenants
    ADD COLUMN currency  text NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
    ADD COLUMN starts_on date,
    ADD COLUMN ends_on   date,
    -- After closes_at nothing can be ordered, whatever a product's window says.
    ADD COLUMN closes_at timestamptz;

-- How the event's shop behaves; edited by the event's own staff, so it is
-- tenant-owned (the tenants row is the platform's). No row: the defaults.
CREATE TABLE storefront_settings (
    tenant_id           uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    ships               boolean NOT NULL DEFAULT false, -- false: picked up at the venue, no address asked
    attendee_can_cancel boolean NOT NULL DEFAULT true,  -- until the order is dispatched
    common_countries    text[] NOT NULL DEFAULT '{}',   -- on top of the country list, in this order
    updated_at          timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE storefront_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE storefront_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON storefront_settings TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON storefront_settings TO marquee_platform
    USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON storefront_settings TO marquee_app, marquee_platform;

CREATE TRIGGER storefront_settings_touch BEFORE UPDATE ON storefront_settings
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER storefront_settings_notify AFTER INSERT OR UPDATE OR DELETE ON storefront_settings
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();

-- +goose Down
DROP TABLE storefront_settings;
ALTER TABLE tenants DROP COLUMN closes_at, DROP COLUMN ends_on, DROP COLUMN starts_on, DROP COLUMN currency;
