-- +goose Up
-- Suppliers confirm dispatch of their lines from their email's signed
-- link (issue 18): each line keeps when it was dispatched, the supplier's
-- tracking note and who ("supplier:<id>"). A dispatch that leaves lines
-- still to send is a row of the order's history that is not a status
-- change (change 'lines_dispatched'); the last one moves the order to
-- dispatched.
--
-- marquee:two-step contract-of=4516ac0 the dropped CHECK is replaced in the same statement by one that accepts every value the release before writes, plus lines_dispatched
ALTER TABLE order_items ADD COLUMN dispatched_at timestamptz,
    ADD COLUMN dispatch_note text NOT NULL DEFAULT '',
    ADD COLUMN dispatched_by text NOT NULL DEFAULT '';
ALTER TABLE order_status_history DROP CONSTRAINT order_status_history_change_check,
    ADD CONSTRAINT order_status_history_change_check
    CHECK (change IN ('', 'option_swapped', 'address_changed', 'line_cancelled', 'lines_dispatched'));

-- +goose Down
DELETE FROM order_status_history WHERE change = 'lines_dispatched';
ALTER TABLE order_status_history DROP CONSTRAINT order_status_history_change_check,
    ADD CONSTRAINT order_status_history_change_check
    CHECK (change IN ('', 'option_swapped', 'address_changed', 'line_cancelled'));
ALTER TABLE order_items DROP COLUMN dispatched_by, DROP COLUMN dispatch_note, DROP COLUMN dispatched_at;
