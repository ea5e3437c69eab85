-- +goose Up
-- How an event takes payment for priced items (issue 17): online through
-- Stripe Checkout when the platform has Stripe's keys, and at the pick-up
-- desk when the organisers allow it (pay_at_pickup). An order paid online
-- holds its stock for hold_minutes while the attendee pays; then the hold
-- expires and the stock goes back.
ALTER TABLE storefront_settings
    ADD COLUMN pay_at_pickup boolean NOT NULL DEFAULT false,
    ADD COLUMN hold_minutes  integer NOT NULL DEFAULT 15 CHECK (hold_minutes BETWEEN 5 AND 120);

-- +goose Down
ALTER TABLE storefront_settings DROP COLUMN hold_minutes, DROP COLUMN pay_at_pickup;
