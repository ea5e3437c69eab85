-- Sign-ups of sign-up events (issue 19).

-- name: SignupInsert :one
-- A new sign-up; the same client id twice is one sign-up (no row back the
-- second time: SignupByClientID reads the first).
INSERT INTO signups (tenant_id, client_id, name, email, answers, consent, consent_text, locale, source, created_at)
VALUES (@tenant_id::uuid, @client_id::uuid, @name::text, @email::text, @answers::jsonb, @consent::boolean,
        @consent_text::text, @locale::text, @source::text, @now::timestamptz)
ON CONFLICT (tenant_id, client_id) DO NOTHING
RETURNING *;

-- name: SignupByClientID :one
SELECT * FROM signups WHERE tenant_id = @tenant_id::uuid AND client_id = @client_id::uuid;

-- name: SignupByID :one
SELECT * FROM signups WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: SignupList :many
-- A page of sign-ups, newest first, after the cursor (the last one of the
-- page before: its created_at and id) when there is one.
SELECT * FROM signups
WHERE tenant_id = @tenant_id::uuid
  AND (sqlc.narg('after_at')::timestamptz IS NULL
       OR (created_at, id) < (sqlc.narg('after_at')::timestamptz, @after_id::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @max_rows::int;

-- name: SignupCount :one
SELECT count(*)::int FROM signups WHERE tenant_id = @tenant_id::uuid;

-- name: SignupKindSet :exec
-- Makes the event a shop or a sign-up form, with the sign-up form's texts.
INSERT INTO storefront_settings (tenant_id, kind, signup_texts)
VALUES (@tenant_id::uuid, @kind::text, @signup_texts::jsonb)
ON CONFLICT (tenant_id) DO UPDATE SET kind = EXCLUDED.kind, signup_texts = EXCLUDED.signup_texts;

-- name: SignupsErase :execrows
-- Deletes the event's sign-ups, all of them or one person's (by email,
-- case ignored): a sign-up holds nothing worth keeping without its person.
DELETE FROM signups
WHERE tenant_id = @tenant_id::uuid
  AND (sqlc.narg('email')::text IS NULL OR lower(email) = sqlc.narg('email')::text);

-- name: SignupMessagesErase :execrows
-- Empties the signup.received webhook messages of the erased sign-ups
-- (all of the event's, or one person's): their id and event stay for the
-- delivery log, and a delivery still to come sends only that.
UPDATE webhook_messages
SET payload = jsonb_build_object('id', payload -> 'id', 'event_id', payload -> 'event_id', 'erased', true)
WHERE tenant_id = @tenant_id::uuid AND type = 'signup.received' AND NOT payload ? 'erased'
  AND (sqlc.narg('email')::text IS NULL OR lower(payload ->> 'email') = sqlc.narg('email')::text);

-- name: SignupPersonCount :one
SELECT count(*)::int FROM signups WHERE tenant_id = @tenant_id::uuid AND lower(email) = @email::text;
