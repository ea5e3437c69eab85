-- +goose Up
-- certmagic's storage (tenant/certstore). Every replica must serve the same
-- certificates and a name must be obtained once, not once per replica, so
-- certificates, private keys, ACME account data and the locks around
-- issuance live here rather than on a replica's disk. These are platform
-- tables: a certificate belongs to a hostname, and the TLS handshake that
-- needs one runs before any event is known. Only marquee_platform sees them;
-- marquee_app has neither a grant nor a policy (private keys stay out of
-- reach of every request).

-- One row per certmagic key, e.g. "certificates/<issuer>/<name>/<name>.key".
-- Keys are paths; a "directory" is a prefix ending at a '/'. The C
-- collation orders keys byte by byte, so the keys under a prefix are one
-- range of the primary key.
CREATE TABLE certmagic_data (
    key      text COLLATE "C" PRIMARY KEY
             CHECK (key <> '' AND left(key, 1) <> '/' AND right(key, 1) <> '/'),
    value    bytea NOT NULL,
    modified timestamptz NOT NULL DEFAULT now()
);

-- A named lock held by holder (one Storage of one replica) until
-- expires_at, on the database's clock. The holder renews the lease while it
-- works; once expires_at has passed, anyone may take the lock over, so a
-- replica that died holding it blocks the others for one lease at most.
CREATE TABLE certmagic_locks (
    name       text PRIMARY KEY,
    holder     text NOT NULL,
    expires_at timestamptz NOT NULL
);

ALTER TABLE certmagic_data ENABLE ROW LEVEL SECURITY;
ALTER TABLE certmagic_data FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON certmagic_data TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON certmagic_data TO marquee_platform;

ALTER TABLE certmagic_locks ENABLE ROW LEVEL SECURITY;
ALTER TABLE certmagic_locks FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON certmagic_locks TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON certmagic_locks TO marquee_platform;

-- +goose Down
DROP TABLE certmagic_locks;
DROP TABLE certmagic_data;
