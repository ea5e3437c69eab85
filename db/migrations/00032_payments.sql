-- +goose Up
-- marquee:two-step contract-of=47df3a2 the status check is only widened (pending_payment added): every status that release writes is still allowed, and no code names the constraint
-- Payments (issue 17). An order with an online payment is written as
-- pending_payment: it holds its stock until hold_expires_at, and becomes
-- placed when the payment succeeds or cancelled (payment_state expired)
-- when it does not. payment_state says what the attendee owes or paid:
-- none (nothing to pay), pending (online checkout open), paid,
-- at_pickup (to be paid at the desk), partially_refunded, refunded,
-- expired. The Stripe ids are the checkout session and, once paid, the
-- payment intent (refunds go against it); an order without one was not
-- paid online.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN
    ('pending_payment', 'placed', 'confirmed', 'dispatched', 'ready_for_pickup', 'delivered', 'collected', 'cancelled')) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_status_check;

ALTER TABLE orders
    ADD COLUMN payment_state      text NOT NULL DEFAULT 'none',
    ADD COLUMN hold_expires_at    timestamptz,
    ADD COLUMN payment_session_id text,
    ADD COLUMN payment_intent_id  text;
ALTER TABLE orders ADD CONSTRAINT orders_payment_state_check CHECK (payment_state IN
    ('none', 'pending', 'paid', 'at_pickup', 'partially_refunded', 'refunded', 'expired')) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_payment_state_check;

-- Every refund made (by the payment_refund job): its key is the job's, so
-- a job run again after its worker died records its refund once.
CREATE TABLE payment_refunds (
    tenant_id    uuid NOT NULL,
    order_id     uuid NOT NULL,
    key          uuid NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    reason       text NOT NULL CHECK (length(reason) <= 200),
    refund_id    text NOT NULL, -- Stripe's
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX payment_refunds_order ON payment_refunds (tenant_id, order_id);

-- The Stripe events (webhooks) already acted on, by their id: Stripe
-- delivers an event at least once, and a second delivery changes nothing.
CREATE TABLE payment_events (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    event_id    text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 255),
    kind        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id)
);

ALTER TABLE payment_refunds ENABLE ROW LEVEL SECURITY;
ALTER TABLE payment_refunds FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON payment_refunds TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON payment_refunds TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT ON payment_refunds TO marquee_app, marquee_platform;

ALTER TABLE payment_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE payment_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON payment_events TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON payment_events TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, DELETE ON payment_events TO marquee_app, marquee_platform;

-- +goose Down
DROP TABLE payment_events;
DROP TABLE payment_refunds;
ALTER TABLE orders DROP CONSTRAINT orders_payment_state_check;
ALTER TABLE orders DROP COLUMN payment_intent_id, DROP COLUMN payment_session_id,
    DROP COLUMN hold_expires_at, DROP COLUMN payment_state;
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN
    ('placed', 'confirmed', 'dispatched', 'ready_for_pickup', 'delivered', 'collected', 'cancelled'));
