-- +goose Up
-- Attendees change their own orders (issue 17): swap a line's option,
-- change the shipping address, cancel one line. The event decides whether
-- they may (attendee_can_change, on by default, like cancelling). Each
-- change is a row of the order's history that is not a status change:
-- change names what changed (its status is the order's status at the
-- time), '' for the status changes every row was until now.
ALTER TABLE storefront_settings ADD COLUMN attendee_can_change boolean NOT NULL DEFAULT true;
ALTER TABLE order_status_history ADD COLUMN change text NOT NULL DEFAULT ''
    CHECK (change IN ('', 'option_swapped', 'address_changed', 'line_cancelled'));

-- +goose Down
ALTER TABLE order_status_history DROP COLUMN change;
ALTER TABLE storefront_settings DROP COLUMN attendee_can_change;
