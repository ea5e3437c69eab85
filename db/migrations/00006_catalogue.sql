-- +goose Up
-- What an event offers. Names and descriptions are per locale:
-- {"en": "T-shirt", "de": "T-Shirt"}. Prices are minor units of the
-- event's currency; 0 is free.
CREATE TABLE products (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name             jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object'),
    description      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(description) = 'object'),
    image_key        text, -- a media key once media storage exists; a placeholder until then
    position         integer NOT NULL DEFAULT 0,
    visible          boolean NOT NULL DEFAULT true,
    price_minor      bigint NOT NULL DEFAULT 0 CHECK (price_minor >= 0),
    max_per_order    integer CHECK (max_per_order > 0),    -- units of this product in one order
    max_per_attendee integer CHECK (max_per_attendee > 0), -- units across all orders of one email
    sales_open_at    timestamptz,
    sales_close_at   timestamptz CHECK (sales_close_at IS NULL OR sales_open_at IS NULL OR sales_close_at > sales_open_at),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
);
CREATE INDEX products_tenant_position ON products (tenant_id, position);

-- A product's options (size M, colour red): each with its own stock
-- (NULL: unlimited), which can never go below zero.
CREATE TABLE variants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL,
    product_id  uuid NOT NULL,
    label       jsonb NOT NULL CHECK (jsonb_typeof(label) = 'object'),
    sku         text,
    position    integer NOT NULL DEFAULT 0,
    stock       integer CHECK (stock >= 0),
    price_minor bigint CHECK (price_minor >= 0), -- overrides the product's price when set
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX variants_product ON variants (tenant_id, product_id, position);

ALTER TABLE products ENABLE ROW LEVEL SECURITY;
ALTER TABLE products FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON products TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON products TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON products TO marquee_app, marquee_platform;

ALTER TABLE variants ENABLE ROW LEVEL SECURITY;
ALTER TABLE variants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON variants TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON variants TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON variants TO marquee_app, marquee_platform;

CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER variants_touch BEFORE UPDATE ON variants FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
-- Stock is on the storefront's pages ("sold out"), so a stock change
-- refreshes the cached catalogue too.
CREATE TRIGGER products_notify AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();
CREATE TRIGGER variants_notify AFTER INSERT OR UPDATE OR DELETE ON variants
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();

-- The event's order form: one row per field; the definition (type, labels,
-- options, constraints) is the JSON of storefront/form.Field.
CREATE TABLE form_fields (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key        text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    scope      text NOT NULL CHECK (scope IN ('customer', 'shipping', 'item')),
    position   integer NOT NULL DEFAULT 0,
    definition jsonb NOT NULL CHECK (jsonb_typeof(definition) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, key)
);

ALTER TABLE form_fields ENABLE ROW LEVEL SECURITY;
ALTER TABLE form_fields FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON form_fields TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON form_fields TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON form_fields TO marquee_app, marquee_platform;

CREATE TRIGGER form_fields_touch BEFORE UPDATE ON form_fields FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER form_fields_notify AFTER INSERT OR UPDATE OR DELETE ON form_fields
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();

-- +goose Down
DROP TABLE form_fields;
DROP TABLE variants;
DROP TABLE products;
