-- +goose Up
-- The facts the event page states: the time zone the event's times are
-- shown in (an IANA name, checked by the application with
-- time.LoadLocation), and where and when attendees pick their order up.
-- The pick-up texts are plain, in the organisers' words, in one language.
ALTER TABLE storefront_settings
    ADD COLUMN time_zone      text NOT NULL DEFAULT 'Europe/Berlin' CHECK (length(time_zone) BETWEEN 1 AND 64),
    ADD COLUMN pickup_place   text NOT NULL DEFAULT '' CHECK (length(pickup_place) <= 200),
    ADD COLUMN pickup_details text NOT NULL DEFAULT '' CHECK (length(pickup_details) <= 1000);

-- +goose Down
ALTER TABLE storefront_settings DROP COLUMN pickup_details, DROP COLUMN pickup_place, DROP COLUMN time_zone;
