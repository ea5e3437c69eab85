-- +goose Up
-- Where attendees' and suppliers' replies to an event's emails go: the
-- organisers' address. Empty: replies go to the sending address.
ALTER TABLE storefront_settings
    ADD COLUMN reply_to text NOT NULL DEFAULT '' CHECK (length(reply_to) <= 254);

-- +goose Down
ALTER TABLE storefront_settings DROP COLUMN reply_to;
