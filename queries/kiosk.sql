-- Kiosk devices (issue 19): the device links of an event's sign-up kiosks.

-- name: KioskDeviceInsert :one
INSERT INTO kiosk_devices (tenant_id, name, token_hash, created_by, created_at)
VALUES (@tenant_id::uuid, @name::text, @token_hash::bytea, @created_by::text, @now::timestamptz)
RETURNING *;

-- name: KioskDeviceList :many
-- An event's devices, newest first, revoked ones too (the page says so).
SELECT * FROM kiosk_devices WHERE tenant_id = @tenant_id::uuid
ORDER BY created_at DESC, id
LIMIT @max_rows::int;

-- name: KioskDeviceGet :one
SELECT * FROM kiosk_devices WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid;

-- name: KioskDeviceByToken :one
-- The device of a link's secret, revoked or not (the kiosk page says which).
SELECT * FROM kiosk_devices WHERE tenant_id = @tenant_id::uuid AND token_hash = @token_hash::bytea;

-- name: KioskDeviceSeen :exec
-- When the device was last seen, kept to the minute (stale_before is a
-- minute before now): a busy kiosk does not write its row on every sign-up.
UPDATE kiosk_devices SET last_seen_at = @now::timestamptz
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid
  AND (last_seen_at IS NULL OR last_seen_at < @stale_before::timestamptz);

-- name: KioskDeviceRevoke :one
-- Ends a device's link; revoking one already revoked keeps its first time.
UPDATE kiosk_devices SET revoked_at = coalesce(revoked_at, @now::timestamptz)
WHERE tenant_id = @tenant_id::uuid AND id = @id::uuid
RETURNING *;
