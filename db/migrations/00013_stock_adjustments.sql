-- +goose Up
-- Every manual change of a variant's stock, with why and by whom: the
-- catalogue editor's stock history.
CREATE TABLE stock_adjustments (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  uuid NOT NULL,
    variant_id uuid NOT NULL,
    delta      integer NOT NULL CHECK (delta <> 0),
    stock      integer NOT NULL CHECK (stock >= 0), -- after the change
    reason     text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    actor      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, variant_id) REFERENCES variants (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX stock_adjustments_variant ON stock_adjustments (tenant_id, variant_id, id);

ALTER TABLE stock_adjustments ENABLE ROW LEVEL SECURITY;
ALTER TABLE stock_adjustments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stock_adjustments TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON stock_adjustments TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT ON stock_adjustments TO marquee_app, marquee_platform;

-- +goose Down
DROP TABLE stock_adjustments;
