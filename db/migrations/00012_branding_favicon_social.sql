-- +goose Up
-- The favicon and the social preview image of a branding version (media
-- keys). The social preview's title and description are per language, in
-- the copy JSON.
ALTER TABLE brandings
    ADD COLUMN favicon_key text CHECK (length(favicon_key) BETWEEN 1 AND 512 AND favicon_key ~ '^[a-z0-9/.-]+$'),
    ADD COLUMN social_image_key text CHECK (length(social_image_key) BETWEEN 1 AND 512 AND social_image_key ~ '^[a-z0-9/.-]+$');

-- +goose Down
ALTER TABLE brandings DROP COLUMN social_image_key, DROP COLUMN favicon_key;
