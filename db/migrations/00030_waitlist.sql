-- +goose Up
-- The waiting list of a sold-out option (issue 17): people who asked to be
-- told when it is back, in the order they asked. state: waiting in line,
-- offered (an offer holds units for them), ordered (they ordered through
-- it), expired (their offer ran out unused), left (they left the list).
CREATE TABLE waitlist_entries (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    variant_id  uuid NOT NULL,
    email       text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    locale      text NOT NULL,
    quantity    integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    state       text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'offered', 'ordered', 'expired', 'left')),
    leave_token text NOT NULL, -- the secret of the "leave the list" link
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, leave_token),
    FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX waitlist_entries_line ON waitlist_entries (tenant_id, variant_id, created_at, id);
-- One place in line per address and option while it waits or holds units.
CREATE UNIQUE INDEX waitlist_entries_once ON waitlist_entries (tenant_id, variant_id, lower(email))
    WHERE state IN ('waiting', 'offered');

-- An offer: units taken from the option's stock (as an order takes them)
-- and held for one entry until expires_at. state: held, ordered, expired.
CREATE TABLE waitlist_offers (
    tenant_id  uuid NOT NULL,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    entry_id   uuid NOT NULL,
    variant_id uuid NOT NULL,
    quantity   integer NOT NULL CHECK (quantity > 0),
    token      text NOT NULL, -- the secret of the offer's link
    state      text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'ordered', 'expired')),
    expires_at timestamptz NOT NULL,
    order_id   uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES waitlist_entries (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX waitlist_offers_entry ON waitlist_offers (tenant_id, entry_id);

ALTER TABLE waitlist_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE waitlist_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON waitlist_entries TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON waitlist_entries TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON waitlist_entries TO marquee_app, marquee_platform;

ALTER TABLE waitlist_offers ENABLE ROW LEVEL SECURITY;
ALTER TABLE waitlist_offers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON waitlist_offers TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON waitlist_offers TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON waitlist_offers TO marquee_app, marquee_platform;

-- How long an offer holds its units, in hours (the event's setting).
ALTER TABLE storefront_settings
    ADD COLUMN waitlist_hold_hours integer NOT NULL DEFAULT 24 CHECK (waitlist_hold_hours BETWEEN 1 AND 168);

-- +goose Down
ALTER TABLE storefront_settings DROP COLUMN waitlist_hold_hours;
DROP TABLE waitlist_offers;
DROP TABLE waitlist_entries;
