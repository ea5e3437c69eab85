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
