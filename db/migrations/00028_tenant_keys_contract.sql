-- +goose Up
-- Keys that lead with tenant_id, step 4 of 4: contract (issue 16, docs/scaling.md).
-- marquee:two-step contract-of=2e53b90 no code of that release or any before it names these foreign keys, the UNIQUE (tenant_id, id) copies of the new primary keys or supplier_items_unique; the new keys enforce the same rules
-- The foreign keys that pointed at UNIQUE (tenant_id, id) go, now that
-- step 2's keys check the same pairs against the primary keys; then the
-- unique keys that only repeated a primary key, and supplier_items' unique
-- index on an expression, which its primary key now enforces. Every order
-- writes one index of orders fewer than before.
ALTER TABLE variants DROP CONSTRAINT variants_tenant_id_product_id_fkey;
ALTER TABLE order_items DROP CONSTRAINT order_items_tenant_id_order_id_fkey,
    DROP CONSTRAINT order_items_tenant_id_product_id_fkey,
    DROP CONSTRAINT order_items_tenant_id_variant_id_fkey;
ALTER TABLE order_status_history DROP CONSTRAINT order_status_history_tenant_id_order_id_fkey;
ALTER TABLE attendee_purchases DROP CONSTRAINT attendee_purchases_tenant_id_product_id_fkey;
ALTER TABLE stock_adjustments DROP CONSTRAINT stock_adjustments_tenant_id_variant_id_fkey;
ALTER TABLE supplier_items DROP CONSTRAINT supplier_items_tenant_id_supplier_id_fkey,
    DROP CONSTRAINT supplier_items_tenant_id_product_id_fkey,
    DROP CONSTRAINT supplier_items_tenant_id_variant_id_fkey;
ALTER TABLE supplier_batches DROP CONSTRAINT supplier_batches_tenant_id_supplier_id_fkey;

ALTER TABLE products DROP CONSTRAINT products_tenant_id_id_key;
ALTER TABLE variants DROP CONSTRAINT variants_tenant_id_id_key;
ALTER TABLE orders DROP CONSTRAINT orders_tenant_id_id_key;
ALTER TABLE suppliers DROP CONSTRAINT suppliers_tenant_id_id_key;
DROP INDEX supplier_items_unique;

-- +goose Down
CREATE UNIQUE INDEX supplier_items_unique ON supplier_items (tenant_id, supplier_id, coalesce(product_id, variant_id));
ALTER TABLE suppliers ADD UNIQUE (tenant_id, id);
ALTER TABLE orders ADD UNIQUE (tenant_id, id);
ALTER TABLE variants ADD UNIQUE (tenant_id, id);
ALTER TABLE products ADD UNIQUE (tenant_id, id);
