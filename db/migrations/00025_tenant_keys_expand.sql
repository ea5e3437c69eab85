-- +goose NO TRANSACTION
-- +goose Up
-- Keys that lead with tenant_id, step 1 of 4: expand (issue 16, docs/scaling.md).
-- A table distributed by tenant_id (Citus) can enforce only keys that
-- contain it, so each tenant table gets its primary key on
-- (tenant_id, …) beside the one it has, built without blocking writes.
-- Each statement commits on its own and can run again: a build that
-- failed leaves an INVALID index, which must be dropped by hand
-- (DROP INDEX CONCURRENTLY name) before the migration is run again.

-- supplier_items has no primary key: the one it gets names the product or
-- option a supplier makes as one column. A stored generated column is
-- filled for every row by this statement (the backfill) and by Postgres on
-- every insert after, so the release before, which does not know it,
-- keeps working. It rewrites the table under a short exclusive lock: a
-- supplier's products and options, a few rows per event.
ALTER TABLE supplier_items ADD COLUMN IF NOT EXISTS item_id uuid GENERATED ALWAYS AS (coalesce(product_id, variant_id)) STORED;

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS brandings_pkey_next ON brandings (tenant_id, id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS email_log_pkey_next ON email_log (tenant_id, id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS form_fields_pkey_next ON form_fields (tenant_id, id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS order_items_pkey_next ON order_items (tenant_id, id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS order_items_position_next ON order_items (tenant_id, order_id, position);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS order_status_history_pkey_next ON order_status_history (tenant_id, id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_pkey_next ON orders (tenant_id, id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS products_pkey_next ON products (tenant_id, id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS stock_adjustments_pkey_next ON stock_adjustments (tenant_id, id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS supplier_batches_pkey_next ON supplier_batches (tenant_id, id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS supplier_items_pkey_next ON supplier_items (tenant_id, supplier_id, item_id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS suppliers_pkey_next ON suppliers (tenant_id, id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS variants_pkey_next ON variants (tenant_id, id);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS variants_pkey_next;
DROP INDEX CONCURRENTLY IF EXISTS suppliers_pkey_next;
DROP INDEX CONCURRENTLY IF EXISTS supplier_items_pkey_next;
DROP INDEX CONCURRENTLY IF EXISTS supplier_batches_pkey_next;
DROP INDEX CONCURRENTLY IF EXISTS stock_adjustments_pkey_next;
DROP INDEX CONCURRENTLY IF EXISTS products_pkey_next;
DROP INDEX CONCURRENTLY IF EXISTS orders_pkey_next;
DROP INDEX CONCURRENTLY IF EXISTS order_status_history_pkey_next;
DROP INDEX CONCURRENTLY IF EXISTS order_items_position_next;
DROP INDEX CONCURRENTLY IF EXISTS order_items_pkey_next;
DROP INDEX CONCURRENTLY IF EXISTS form_fields_pkey_next;
DROP INDEX CONCURRENTLY IF EXISTS email_log_pkey_next;
DROP INDEX CONCURRENTLY IF EXISTS brandings_pkey_next;
ALTER TABLE supplier_items DROP COLUMN IF EXISTS item_id;
