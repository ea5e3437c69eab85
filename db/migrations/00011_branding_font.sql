-- +goose Up
-- The font of a branding version: a name from branding.Fonts (self-hosted
-- under themes/static/fonts), checked in Go so a new font needs no migration.
ALTER TABLE brandings ADD COLUMN font text NOT NULL DEFAULT 'system' CHECK (font ~ '^[a-z0-9-]{1,40}$');

-- +goose Down
ALTER TABLE brandings DROP COLUMN font;
