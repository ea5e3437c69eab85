-- name: BrandingGetPublished :one
SELECT * FROM brandings
WHERE tenant_id = @tenant_id::uuid AND state = 'published'
ORDER BY version DESC
LIMIT 1;

-- name: BrandingInsert :one
INSERT INTO brandings (tenant_id, version, state, theme, color_primary, color_accent,
                       color_background, color_text, copy, logo_key, hero_key, favicon_key, social_image_key, font, published_at)
VALUES (@tenant_id::uuid,
        (SELECT coalesce(max(version), 0) + 1 FROM brandings b WHERE b.tenant_id = @tenant_id::uuid),
        @state::text, @theme::text, @color_primary::text, @color_accent::text,
        @color_background::text, @color_text::text, @copy::jsonb,
        sqlc.narg('logo_key')::text, sqlc.narg('hero_key')::text, sqlc.narg('favicon_key')::text,
        sqlc.narg('social_image_key')::text, @font::text,
        CASE WHEN @state::text = 'published' THEN coalesce(sqlc.narg('now')::timestamptz, now()) END)
RETURNING *;

-- name: BrandingGetDraft :one
SELECT * FROM brandings WHERE tenant_id = @tenant_id::uuid AND state = 'draft';

-- name: BrandingUpdateDraft :one
UPDATE brandings
SET theme = @theme::text, color_primary = @color_primary::text, color_accent = @color_accent::text,
    color_background = @color_background::text, color_text = @color_text::text, copy = @copy::jsonb,
    logo_key = sqlc.narg('logo_key')::text, hero_key = sqlc.narg('hero_key')::text,
    favicon_key = sqlc.narg('favicon_key')::text, social_image_key = sqlc.narg('social_image_key')::text, font = @font::text
WHERE tenant_id = @tenant_id::uuid AND state = 'draft'
RETURNING *;

-- name: BrandingPublishDraft :one
UPDATE brandings
SET state = 'published', published_at = coalesce(sqlc.narg('now')::timestamptz, now()),
    published_by = sqlc.narg('published_by')::uuid
WHERE tenant_id = @tenant_id::uuid AND state = 'draft'
RETURNING *;

-- name: BrandingListPublished :many
SELECT * FROM brandings
WHERE tenant_id = @tenant_id::uuid AND state = 'published'
ORDER BY version DESC
LIMIT @max_rows::int;

-- name: BrandingGetVersion :one
SELECT * FROM brandings WHERE tenant_id = @tenant_id::uuid AND version = @version::int AND state = 'published';

-- name: BrandingRetitle :execrows
-- After a rename: the event's current branding (its latest published
-- version and its draft) takes the new name as its title in every
-- language whose title is still the old name, since the name is the title
-- until someone edits it. Edited titles stay.
UPDATE brandings b
SET copy = (SELECT jsonb_object_agg(c.lang, CASE WHEN c.body->>'title' = @old_name::text
                                                THEN jsonb_set(c.body, '{title}', to_jsonb(@new_name::text))
                                                ELSE c.body END)
            FROM jsonb_each(b.copy) AS c(lang, body))
WHERE b.tenant_id = @tenant_id::uuid
  AND (b.state = 'draft'
       OR b.version = (SELECT max(p.version) FROM brandings p
                       WHERE p.tenant_id = @tenant_id::uuid AND p.state = 'published'))
  AND EXISTS (SELECT 1 FROM jsonb_each(b.copy) AS c(lang, body) WHERE c.body->>'title' = @old_name::text);
