-- +goose Up
-- Branding versions: at most one draft per event; every publish is a
-- version with who published it (a staff id; staff rows may go, the
-- history stays).
ALTER TABLE brandings
    ADD COLUMN published_by uuid,
    ADD COLUMN updated_at   timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX brandings_one_draft ON brandings (tenant_id) WHERE state = 'draft';
CREATE TRIGGER brandings_touch BEFORE UPDATE ON brandings FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- +goose Down
DROP TRIGGER brandings_touch ON brandings;
DROP INDEX brandings_one_draft;
ALTER TABLE brandings DROP COLUMN updated_at, DROP COLUMN published_by;
