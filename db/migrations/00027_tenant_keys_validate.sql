-- +goose NO TRANSACTION
-- +goose Up
-- Keys that lead with tenant_id, step 3 of 4: check the rows already there
-- against the foreign keys step 2 added NOT VALID (issue 16). VALIDATE
-- reads the tables under a lock that lets reads and writes go on; each
-- statement commits on its own, so a long check holds no other table, and
-- validating a valid key again does nothing.
ALTER TABLE variants VALIDATE CONSTRAINT variants_product_fkey;
ALTER TABLE order_items VALIDATE CONSTRAINT order_items_order_fkey;
ALTER TABLE order_items VALIDATE CONSTRAINT order_items_product_fkey;
ALTER TABLE order_items VALIDATE CONSTRAINT order_items_variant_fkey;
ALTER TABLE order_status_history VALIDATE CONSTRAINT order_status_history_order_fkey;
ALTER TABLE attendee_purchases VALIDATE CONSTRAINT attendee_purchases_product_fkey;
ALTER TABLE stock_adjustments VALIDATE CONSTRAINT stock_adjustments_variant_fkey;
ALTER TABLE supplier_items VALIDATE CONSTRAINT supplier_items_supplier_fkey;
ALTER TABLE supplier_items VALIDATE CONSTRAINT supplier_items_product_fkey;
ALTER TABLE supplier_items VALIDATE CONSTRAINT supplier_items_variant_fkey;
ALTER TABLE supplier_batches VALIDATE CONSTRAINT supplier_batches_supplier_fkey;

-- +goose Down
SELECT 1; -- a validated key stays valid; step 2's Down removes it
