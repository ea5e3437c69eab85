-- +goose Up
-- Attendees' personal data is kept retention_days after the event's shop
-- closes, then erased by the retention job (issue 16); the event's
-- organisers set the period. orders.erased_at is when an order's personal
-- data was erased, by that job or on the attendee's request: the order,
-- its lines and totals stay for the statistics and the suppliers.
ALTER TABLE storefront_settings
    ADD COLUMN retention_days integer NOT NULL DEFAULT 90 CHECK (retention_days BETWEEN 7 AND 3650);
ALTER TABLE orders ADD COLUMN erased_at timestamptz;

-- The status history is append-only, but the notes staff write there may
-- name the attendee: erasure empties them, and only the platform role
-- (the erasing job's and the console's erasure transaction) may.
GRANT UPDATE (note) ON order_status_history TO marquee_platform;

-- +goose Down
REVOKE UPDATE (note) ON order_status_history FROM marquee_platform;
ALTER TABLE orders DROP COLUMN erased_at;
ALTER TABLE storefront_settings DROP COLUMN retention_days;
