-- +goose Up
-- Every email sent, so a retried job does not send again what is known to
-- have been accepted: dedup_key names the email (an order's confirmation,
-- one status change, a supplier's copy of an order), message_id is what the
-- SMTP server accepted.
CREATE TABLE email_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    dedup_key   text NOT NULL CHECK (length(dedup_key) BETWEEN 1 AND 200),
    kind        text NOT NULL,
    recipients  text[] NOT NULL,
    subject     text NOT NULL DEFAULT '',
    message_id  text NOT NULL,
    order_id    uuid,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, dedup_key)
);
CREATE INDEX email_log_order ON email_log (tenant_id, order_id);

-- Who makes what: each supplier fulfils some products (all their
-- options) or some options, and gets each order as it is placed
-- (per_order) or one list (batch) at send_at, or when the event closes.
CREATE TABLE suppliers (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    emails     text[] NOT NULL CHECK (cardinality(emails) BETWEEN 1 AND 10),
    mode       text NOT NULL CHECK (mode IN ('per_order', 'batch')),
    send_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
);
CREATE TABLE supplier_items (
    tenant_id   uuid NOT NULL,
    supplier_id uuid NOT NULL,
    product_id  uuid,
    variant_id  uuid,
    CHECK ((product_id IS NULL) <> (variant_id IS NULL)),
    FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX supplier_items_unique ON supplier_items (tenant_id, supplier_id, coalesce(product_id, variant_id));

-- Each batch sent to a supplier: when, how many lines, the message.
CREATE TABLE supplier_batches (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL,
    supplier_id uuid NOT NULL,
    lines       integer NOT NULL,
    message_id  text NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers (tenant_id, id) ON DELETE CASCADE
);

-- dev's inbox: what `marquee dev` would have sent, shown in the console.
-- A platform table: staff of every event read it on one machine.
CREATE TABLE dev_inbox (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id  text NOT NULL,
    from_name   text NOT NULL,
    from_addr   text NOT NULL,
    reply_to    text NOT NULL DEFAULT '',
    recipients  text[] NOT NULL,
    subject     text NOT NULL,
    html        text NOT NULL,
    body_text   text NOT NULL,
    headers     jsonb NOT NULL DEFAULT '{}',
    attachments jsonb NOT NULL DEFAULT '[]', -- [{"name", "content_type", "data" (base64)}]
    received_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE email_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_log FORCE ROW LEVEL SECURITY;
ALTER TABLE suppliers ENABLE ROW LEVEL SECURITY;
ALTER TABLE suppliers FORCE ROW LEVEL SECURITY;
ALTER TABLE supplier_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE supplier_items FORCE ROW LEVEL SECURITY;
ALTER TABLE supplier_batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE supplier_batches FORCE ROW LEVEL SECURITY;
ALTER TABLE dev_inbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE dev_inbox FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON email_log TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY tenant_isolation ON suppliers TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY tenant_isolation ON supplier_items TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY tenant_isolation ON supplier_batches TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON email_log TO marquee_platform USING (true) WITH CHECK (true);
CREATE POLICY platform_access ON suppliers TO marquee_platform USING (true) WITH CHECK (true);
CREATE POLICY platform_access ON supplier_items TO marquee_platform USING (true) WITH CHECK (true);
CREATE POLICY platform_access ON supplier_batches TO marquee_platform USING (true) WITH CHECK (true);
CREATE POLICY platform_access ON dev_inbox TO marquee_platform USING (true) WITH CHECK (true);

GRANT SELECT, INSERT, UPDATE, DELETE ON email_log, suppliers, supplier_items, supplier_batches TO marquee_app, marquee_platform;
GRANT SELECT, INSERT, DELETE ON dev_inbox TO marquee_platform;

CREATE TRIGGER suppliers_touch BEFORE UPDATE ON suppliers FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- +goose Down
DROP TABLE dev_inbox, supplier_batches, supplier_items, suppliers, email_log;
