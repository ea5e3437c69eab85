-- +goose Up
-- An attendee's order. number is short, random and unique per event; the
-- idempotency key comes from the order form, so a resubmitted form finds
-- the order it already made. email is normalised (lowercase): it is who
-- the attendee is for per-attendee limits.
CREATE TABLE orders (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    number           text NOT NULL,
    idempotency_key  uuid NOT NULL,
    email            text NOT NULL CHECK (email = lower(email)),
    name             text NOT NULL,
    locale           text NOT NULL,
    status           text NOT NULL DEFAULT 'placed' CHECK (status IN
                         ('placed', 'confirmed', 'dispatched', 'ready_for_pickup', 'delivered', 'collected', 'cancelled')),
    answers          jsonb NOT NULL DEFAULT '{}',
    shipping_address jsonb, -- NULL when the event hands out at the venue
    currency         text NOT NULL,
    total_minor      bigint NOT NULL CHECK (total_minor >= 0),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, number),
    UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX orders_tenant_email ON orders (tenant_id, email);

-- One line of an order. Names and prices are copied from the catalogue at
-- the time of the order: later edits do not change what was ordered.
CREATE TABLE order_items (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL,
    order_id         uuid NOT NULL,
    position         integer NOT NULL,
    product_id       uuid NOT NULL,
    variant_id       uuid NOT NULL,
    product_name     jsonb NOT NULL,
    variant_label    jsonb NOT NULL,
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    answers          jsonb NOT NULL DEFAULT '{}',
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id),
    UNIQUE (order_id, position)
);
CREATE INDEX order_items_variant ON order_items (tenant_id, variant_id);

-- Every status an order has been in, with who changed it and when.
CREATE TABLE order_status_history (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  uuid NOT NULL,
    order_id   uuid NOT NULL,
    status     text NOT NULL,
    note       text NOT NULL DEFAULT '',
    actor      text NOT NULL, -- "attendee", "system", later "staff:<id>"
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX order_status_history_order ON order_status_history (tenant_id, order_id, id);

-- Units of a product one attendee (email) holds across all orders: the
-- row is the lock that makes a per-attendee limit hold under concurrency.
CREATE TABLE attendee_purchases (
    tenant_id  uuid NOT NULL,
    product_id uuid NOT NULL,
    email      text NOT NULL,
    quantity   integer NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (tenant_id, product_id, email),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);

ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON orders TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON orders TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO marquee_app, marquee_platform;

ALTER TABLE order_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_items FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON order_items TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON order_items TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON order_items TO marquee_app, marquee_platform;

ALTER TABLE order_status_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_status_history FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON order_status_history TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON order_status_history TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT ON order_status_history TO marquee_app, marquee_platform;

ALTER TABLE attendee_purchases ENABLE ROW LEVEL SECURITY;
ALTER TABLE attendee_purchases FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON attendee_purchases TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON attendee_purchases TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON attendee_purchases TO marquee_app, marquee_platform;

CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- +goose Down
DROP TABLE attendee_purchases;
DROP TABLE order_status_history;
DROP TABLE order_items;
DROP TABLE orders;
