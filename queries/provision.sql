-- Copying a template event into a new one, inside the transaction that
-- creates it (run as marquee_platform, which sees both events).

-- name: CopyProducts :exec
-- Products with new ids and their variants under them; stock, prices,
-- limits and windows as the template has them.
WITH src AS (
    SELECT p.*, gen_random_uuid() AS new_id FROM products p WHERE p.tenant_id = @from_tenant::uuid
), ins AS (
    INSERT INTO products (id, tenant_id, name, description, image_key, position, visible, price_minor,
                          max_per_order, max_per_attendee, sales_open_at, sales_close_at)
    SELECT new_id, @to_tenant::uuid, name, description, image_key, position, visible, price_minor,
           max_per_order, max_per_attendee, sales_open_at, sales_close_at
    FROM src
    RETURNING id
)
INSERT INTO variants (tenant_id, product_id, label, sku, position, stock, price_minor)
SELECT @to_tenant::uuid, src.new_id, v.label, v.sku, v.position, v.stock, v.price_minor
FROM variants v JOIN src ON src.id = v.product_id
WHERE v.tenant_id = @from_tenant::uuid;

-- name: CopyFormFields :exec
INSERT INTO form_fields (tenant_id, key, scope, position, definition)
SELECT @to_tenant::uuid, key, scope, position, definition FROM form_fields WHERE tenant_id = @from_tenant::uuid;

-- name: CopySettings :exec
INSERT INTO storefront_settings (tenant_id, ships, attendee_can_cancel, common_countries)
SELECT @to_tenant::uuid, ships, attendee_can_cancel, common_countries FROM storefront_settings WHERE tenant_id = @from_tenant::uuid
ON CONFLICT (tenant_id) DO NOTHING;
