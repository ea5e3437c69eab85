-- +goose Up
-- Images of a branding version: media keys (branding/media) of the logo and
-- the hero image, content-hash keys under the event's prefix.
ALTER TABLE brandings
    ADD COLUMN logo_key text CHECK (length(logo_key) BETWEEN 1 AND 512 AND logo_key ~ '^[a-z0-9/.-]+$'),
    ADD COLUMN hero_key text CHECK (length(hero_key) BETWEEN 1 AND 512 AND hero_key ~ '^[a-z0-9/.-]+$');

-- +goose Down
ALTER TABLE brandings DROP COLUMN hero_key, DROP COLUMN logo_key;
