-- +goose Up
-- Voucher codes (issue 17). A code is unique per event and case-insensitive:
-- it is kept in capitals (the application upper-cases what attendees type).
-- kind says what it does besides unlocking: nothing (unlock), an amount off
-- (amount_minor, the event's currency) or a percentage off (percent) of the
-- lines it applies to: the products in product_ids and the options in
-- variant_ids, or every line when both are empty. It unlocks the products
-- and options marked code_only that those lists name. uses counts the
-- orders that redeemed it; the CHECK is the last guard of max_uses, the
-- order's conditional update (uses < max_uses) the first.
CREATE TABLE vouchers (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    code         text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{2,31}$'),
    kind         text NOT NULL CHECK (kind IN ('unlock', 'amount', 'percent')),
    amount_minor bigint NOT NULL DEFAULT 0 CHECK (amount_minor >= 0),
    percent      integer NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    product_ids  uuid[] NOT NULL DEFAULT '{}',
    variant_ids  uuid[] NOT NULL DEFAULT '{}',
    max_uses     integer CHECK (max_uses > 0),
    uses         integer NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
    valid_from   timestamptz,
    valid_until  timestamptz CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from),
    disabled     boolean NOT NULL DEFAULT false,
    note         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

-- One row per order that redeemed a code, with the discount it gave. A
-- used code is never deleted (disabled instead), so the foreign key to it
-- keeps what each order was given.
CREATE TABLE voucher_redemptions (
    tenant_id      uuid NOT NULL,
    order_id       uuid NOT NULL,
    voucher_id     uuid NOT NULL,
    discount_minor bigint NOT NULL CHECK (discount_minor >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, order_id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, voucher_id) REFERENCES vouchers (tenant_id, id)
);
CREATE INDEX voucher_redemptions_voucher ON voucher_redemptions (tenant_id, voucher_id);

-- What the attendee pays is total_minor: the lines minus discount_minor.
-- voucher_code is the code as redeemed (shown on the order; the code's row
-- may change later). No CHECK on discount_minor: it would scan every order
-- under the table's lock; the order's transaction computes it, never below 0.
ALTER TABLE orders ADD COLUMN discount_minor bigint NOT NULL DEFAULT 0,
    ADD COLUMN voucher_code text;

-- Products and options "only with a code": not on the shop unless a code
-- that unlocks them is active, and refused in an order without one.
ALTER TABLE products ADD COLUMN code_only boolean NOT NULL DEFAULT false;
ALTER TABLE variants ADD COLUMN code_only boolean NOT NULL DEFAULT false;

ALTER TABLE vouchers ENABLE ROW LEVEL SECURITY;
ALTER TABLE vouchers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON vouchers TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON vouchers TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON vouchers TO marquee_app, marquee_platform;

ALTER TABLE voucher_redemptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE voucher_redemptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON voucher_redemptions TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON voucher_redemptions TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, DELETE ON voucher_redemptions TO marquee_app, marquee_platform;

CREATE TRIGGER vouchers_touch BEFORE UPDATE ON vouchers FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- +goose Down
ALTER TABLE variants DROP COLUMN code_only;
ALTER TABLE products DROP COLUMN code_only;
ALTER TABLE orders DROP COLUMN voucher_code, DROP COLUMN discount_minor;
DROP TABLE voucher_redemptions;
DROP TABLE vouchers;
