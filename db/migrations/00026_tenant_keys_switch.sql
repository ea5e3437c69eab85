-- +goose Up
-- Keys that lead with tenant_id, step 2 of 4: switch (issue 16, docs/scaling.md).
-- marquee:two-step contract-of=2e53b90 from that release on no query needs a key on id alone: every query names tenant_id, the supplier list groups by (tenant_id, id) rather than by the primary key id, and no ON CONFLICT or constraint name uses the keys this file drops
-- The release before that one must not run on this schema: its supplier
-- list grouped by s.id, which Postgres accepts only while id alone is the
-- primary key. Install that release (or a later one) before migrating here.
-- Each table's primary key becomes the index step 1 built, which takes
-- the key's name; the columns are NOT NULL already, so nothing is scanned
-- under the short exclusive locks. order_items' line numbers are unique
-- per event's order the same way.
ALTER TABLE brandings DROP CONSTRAINT brandings_pkey, ADD CONSTRAINT brandings_pkey PRIMARY KEY USING INDEX brandings_pkey_next;
ALTER TABLE email_log DROP CONSTRAINT email_log_pkey, ADD CONSTRAINT email_log_pkey PRIMARY KEY USING INDEX email_log_pkey_next;
ALTER TABLE form_fields DROP CONSTRAINT form_fields_pkey, ADD CONSTRAINT form_fields_pkey PRIMARY KEY USING INDEX form_fields_pkey_next;
ALTER TABLE order_items DROP CONSTRAINT order_items_pkey, ADD CONSTRAINT order_items_pkey PRIMARY KEY USING INDEX order_items_pkey_next,
    DROP CONSTRAINT order_items_order_id_position_key,
    ADD CONSTRAINT order_items_tenant_id_order_id_position_key UNIQUE USING INDEX order_items_position_next;
ALTER TABLE order_status_history DROP CONSTRAINT order_status_history_pkey, ADD CONSTRAINT order_status_history_pkey PRIMARY KEY USING INDEX order_status_history_pkey_next;
ALTER TABLE orders DROP CONSTRAINT orders_pkey, ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_pkey_next;
ALTER TABLE products DROP CONSTRAINT products_pkey, ADD CONSTRAINT products_pkey PRIMARY KEY USING INDEX products_pkey_next;
ALTER TABLE stock_adjustments DROP CONSTRAINT stock_adjustments_pkey, ADD CONSTRAINT stock_adjustments_pkey PRIMARY KEY USING INDEX stock_adjustments_pkey_next;
ALTER TABLE supplier_batches DROP CONSTRAINT supplier_batches_pkey, ADD CONSTRAINT supplier_batches_pkey PRIMARY KEY USING INDEX supplier_batches_pkey_next;
ALTER TABLE suppliers DROP CONSTRAINT suppliers_pkey, ADD CONSTRAINT suppliers_pkey PRIMARY KEY USING INDEX suppliers_pkey_next;
ALTER TABLE variants DROP CONSTRAINT variants_pkey, ADD CONSTRAINT variants_pkey PRIMARY KEY USING INDEX variants_pkey_next;
-- item_id is never NULL (the table's CHECK: exactly one of product_id and
-- variant_id is set), so marking it NOT NULL finds no row to refuse.
ALTER TABLE supplier_items ADD CONSTRAINT supplier_items_pkey PRIMARY KEY USING INDEX supplier_items_pkey_next;

-- The foreign keys between tenant tables point at the new primary keys
-- (they pointed at UNIQUE (tenant_id, id), which step 4 drops as a copy of
-- the key). NOT VALID: only new rows are checked now, so adding them
-- takes no scan; step 3 checks the rows already there.
ALTER TABLE variants ADD CONSTRAINT variants_product_fkey
    FOREIGN KEY (tenant_id, product_id) REFERENCES products ON DELETE CASCADE NOT VALID;
ALTER TABLE order_items ADD CONSTRAINT order_items_order_fkey
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders ON DELETE CASCADE NOT VALID;
ALTER TABLE order_items ADD CONSTRAINT order_items_product_fkey
    FOREIGN KEY (tenant_id, product_id) REFERENCES products NOT VALID;
ALTER TABLE order_items ADD CONSTRAINT order_items_variant_fkey
    FOREIGN KEY (tenant_id, variant_id) REFERENCES variants NOT VALID;
ALTER TABLE order_status_history ADD CONSTRAINT order_status_history_order_fkey
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders ON DELETE CASCADE NOT VALID;
ALTER TABLE attendee_purchases ADD CONSTRAINT attendee_purchases_product_fkey
    FOREIGN KEY (tenant_id, product_id) REFERENCES products ON DELETE CASCADE NOT VALID;
ALTER TABLE stock_adjustments ADD CONSTRAINT stock_adjustments_variant_fkey
    FOREIGN KEY (tenant_id, variant_id) REFERENCES variants ON DELETE CASCADE NOT VALID;
ALTER TABLE supplier_items ADD CONSTRAINT supplier_items_supplier_fkey
    FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers ON DELETE CASCADE NOT VALID;
ALTER TABLE supplier_items ADD CONSTRAINT supplier_items_product_fkey
    FOREIGN KEY (tenant_id, product_id) REFERENCES products ON DELETE CASCADE NOT VALID;
ALTER TABLE supplier_items ADD CONSTRAINT supplier_items_variant_fkey
    FOREIGN KEY (tenant_id, variant_id) REFERENCES variants ON DELETE CASCADE NOT VALID;
ALTER TABLE supplier_batches ADD CONSTRAINT supplier_batches_supplier_fkey
    FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers ON DELETE CASCADE NOT VALID;

-- +goose Down
ALTER TABLE supplier_batches DROP CONSTRAINT supplier_batches_supplier_fkey;
ALTER TABLE supplier_items DROP CONSTRAINT supplier_items_variant_fkey, DROP CONSTRAINT supplier_items_product_fkey,
    DROP CONSTRAINT supplier_items_supplier_fkey, DROP CONSTRAINT supplier_items_pkey;
ALTER TABLE stock_adjustments DROP CONSTRAINT stock_adjustments_variant_fkey;
ALTER TABLE attendee_purchases DROP CONSTRAINT attendee_purchases_product_fkey;
ALTER TABLE order_status_history DROP CONSTRAINT order_status_history_order_fkey;
ALTER TABLE order_items DROP CONSTRAINT order_items_variant_fkey, DROP CONSTRAINT order_items_product_fkey,
    DROP CONSTRAINT order_items_order_fkey;
ALTER TABLE variants DROP CONSTRAINT variants_product_fkey;
ALTER TABLE variants DROP CONSTRAINT variants_pkey, ADD CONSTRAINT variants_pkey PRIMARY KEY (id);
ALTER TABLE suppliers DROP CONSTRAINT suppliers_pkey, ADD CONSTRAINT suppliers_pkey PRIMARY KEY (id);
ALTER TABLE supplier_batches DROP CONSTRAINT supplier_batches_pkey, ADD CONSTRAINT supplier_batches_pkey PRIMARY KEY (id);
ALTER TABLE stock_adjustments DROP CONSTRAINT stock_adjustments_pkey, ADD CONSTRAINT stock_adjustments_pkey PRIMARY KEY (id);
ALTER TABLE products DROP CONSTRAINT products_pkey, ADD CONSTRAINT products_pkey PRIMARY KEY (id);
ALTER TABLE orders DROP CONSTRAINT orders_pkey, ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
ALTER TABLE order_status_history DROP CONSTRAINT order_status_history_pkey, ADD CONSTRAINT order_status_history_pkey PRIMARY KEY (id);
ALTER TABLE order_items DROP CONSTRAINT order_items_tenant_id_order_id_position_key, ADD UNIQUE (order_id, position),
    DROP CONSTRAINT order_items_pkey, ADD CONSTRAINT order_items_pkey PRIMARY KEY (id);
ALTER TABLE form_fields DROP CONSTRAINT form_fields_pkey, ADD CONSTRAINT form_fields_pkey PRIMARY KEY (id);
ALTER TABLE email_log DROP CONSTRAINT email_log_pkey, ADD CONSTRAINT email_log_pkey PRIMARY KEY (id);
ALTER TABLE brandings DROP CONSTRAINT brandings_pkey, ADD CONSTRAINT brandings_pkey PRIMARY KEY (id);
-- The foreign keys as they were, on UNIQUE (tenant_id, id) again (step 4's Down).
ALTER TABLE supplier_batches ADD FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE supplier_items ADD FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers (tenant_id, id) ON DELETE CASCADE,
    ADD FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    ADD FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE stock_adjustments ADD FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE attendee_purchases ADD FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE order_status_history ADD FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE order_items ADD FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
    ADD FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    ADD FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id);
ALTER TABLE variants ADD FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE;
