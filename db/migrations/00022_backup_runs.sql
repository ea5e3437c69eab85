-- +goose Up
-- Each backup the platform started (db/backup): when, of which kind, and
-- how it ended. The backups themselves live in their store (S3 or a
-- folder) and are listed from there; this table remembers the failures,
-- which leave nothing in the store, so the console and the metrics can
-- say when the last backup failed or when one is missing. A platform
-- table: no tenant's transaction reads it.
CREATE TABLE backup_runs (
    id          text PRIMARY KEY CHECK (id ~ '^[0-9]{8}-[0-9]{6}-[a-z]+-[0-9a-f]{6}$'),
    kind        text NOT NULL CHECK (kind IN ('scheduled', 'manual')),
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    succeeded   boolean, -- NULL while running (or when its process died)
    size_bytes  bigint CHECK (size_bytes >= 0),
    error       text CHECK (length(error) <= 4000),
    CHECK ((finished_at IS NULL) = (succeeded IS NULL))
);
CREATE INDEX backup_runs_started ON backup_runs (started_at);

ALTER TABLE backup_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE backup_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON backup_runs TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON backup_runs TO marquee_platform;

-- +goose Down
DROP TABLE backup_runs;
