-- +goose Up
-- Sign-up events (issue 19): an event is a shop (products, orders) or a
-- sign-up form (no products: name, email, the form builder's fields and a
-- consent checkbox). signup_texts holds, per language, the consent text
-- shown beside the checkbox and the thank-you page's text:
-- {"en": {"consent": …, "thanks": …}, …}.
ALTER TABLE storefront_settings
    ADD COLUMN kind text NOT NULL DEFAULT 'shop' CHECK (kind IN ('shop', 'signup')),
    ADD COLUMN signup_texts jsonb NOT NULL DEFAULT '{}';

-- One row per person who signed up. client_id is chosen by the form (a
-- hidden input) or the kiosk's queue: the same client_id twice is one
-- sign-up, so a retried post stores nothing new. consent_text is the text
-- the person agreed to, as shown to them. source: 'web' or
-- 'kiosk:<device id>'.
CREATE TABLE signups (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    client_id    uuid NOT NULL,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email        text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    answers      jsonb NOT NULL DEFAULT '{}',
    consent      boolean NOT NULL,
    consent_text text NOT NULL DEFAULT '',
    locale       text NOT NULL,
    source       text NOT NULL CHECK (source = 'web' OR source LIKE 'kiosk:%'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, client_id),
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE INDEX signups_list ON signups (tenant_id, created_at DESC, id);
CREATE INDEX signups_email ON signups (tenant_id, lower(email));

ALTER TABLE signups ENABLE ROW LEVEL SECURITY;
ALTER TABLE signups FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON signups TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON signups TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON signups TO marquee_app, marquee_platform;

-- +goose Down
DROP TABLE signups;
ALTER TABLE storefront_settings DROP COLUMN signup_texts, DROP COLUMN kind;
