-- Copying a template event into a new one, inside the transaction that
-- creates it (run as marquee_platform, which sees both events). Products
-- and form fields are copied in Go (db.copyTemplate): their texts are
-- kept to the new event's languages.

-- name: CopySettings :exec
INSERT INTO storefront_settings (tenant_id, ships, attendee_can_cancel, attendee_can_change, common_countries, time_zone,
                                 pay_at_pickup, hold_minutes)
SELECT @to_tenant::uuid, ships, attendee_can_cancel, attendee_can_change, common_countries, time_zone, pay_at_pickup, hold_minutes
FROM storefront_settings WHERE tenant_id = @from_tenant::uuid
ON CONFLICT (tenant_id) DO NOTHING;
