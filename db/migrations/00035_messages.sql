-- +goose Up
-- Messages from staff to an event's attendees (issue 18): a subject and a
-- Markdown body per language of the event, sent to everyone who ordered
-- or to those who ordered a product, an option, or whose order has a
-- status (audience). state: draft (being written), sending (the fan-out
-- job made or will make its recipients), sent (every recipient is sent or
-- failed).
CREATE TABLE messages (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    texts       jsonb NOT NULL DEFAULT '{}', -- {"en": {"subject": …, "body": …}, …}
    audience    text NOT NULL DEFAULT 'all' CHECK (audience IN ('all', 'product', 'variant', 'status')),
    product_id  uuid,
    variant_id  uuid,
    status      text NOT NULL DEFAULT '',
    state       text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'sending', 'sent')),
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    sent_by     text NOT NULL DEFAULT '',
    sent_at     timestamptz, -- when staff pressed send
    finished_at timestamptz, -- when the last recipient was sent or failed
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE INDEX messages_list ON messages (tenant_id, created_at DESC, id);

-- One row per person a message goes to: one per address (orders keep
-- addresses lower-case), in the language of their latest order. state:
-- pending (its job has not sent it), sending (a worker claimed it at
-- claimed_at), sent, failed (the server refused it for good, or it ran
-- out of attempts). The primary key is what makes "once per person".
CREATE TABLE message_recipients (
    tenant_id  uuid NOT NULL,
    message_id uuid NOT NULL,
    email      text NOT NULL,
    locale     text NOT NULL,
    position   integer NOT NULL, -- the order the fan-out paced them in
    state      text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts   integer NOT NULL DEFAULT 0,
    error      text NOT NULL DEFAULT '',
    claimed_at timestamptz,
    sent_at    timestamptz,
    PRIMARY KEY (tenant_id, message_id, email),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX message_recipients_state ON message_recipients (tenant_id, message_id, state);
CREATE INDEX message_recipients_email ON message_recipients (tenant_id, email);

ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON messages TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON messages TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON messages TO marquee_app, marquee_platform;

ALTER TABLE message_recipients ENABLE ROW LEVEL SECURITY;
ALTER TABLE message_recipients FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON message_recipients TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON message_recipients TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON message_recipients TO marquee_app, marquee_platform;

-- How many messages a second an event's messages go out at, at most.
ALTER TABLE storefront_settings
    ADD COLUMN message_rate integer NOT NULL DEFAULT 10 CHECK (message_rate BETWEEN 1 AND 100);

-- +goose Down
ALTER TABLE storefront_settings DROP COLUMN message_rate;
DROP TABLE message_recipients;
DROP TABLE messages;
