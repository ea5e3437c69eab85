-- +goose Up
-- Who may use the console. A sign-in names no event, so identity is
-- resolved before any tenant is known: staff, their sessions, their
-- one-time links and login attempts are platform tables, seen only by
-- marquee_platform (marquee_app has neither a grant nor a policy on them).
-- What a person may do in one event (memberships) and what happened there
-- (audit_log) carry that event's tenant_id like every tenant-owned table.

CREATE TABLE staff (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email          text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    name           text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    password_hash  text, -- argon2id PHC string; NULL until an invitation is accepted
    platform_admin boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT staff_email_key UNIQUE (email)
);

-- A staff member's role in one event.
CREATE TABLE memberships (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    staff_id   uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('owner', 'marketing', 'fulfilment')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, staff_id)
);
CREATE INDEX memberships_staff ON memberships (staff_id);

-- Server-side sessions. The browser holds the token; the row holds only its
-- SHA-256, so a copy of this table signs nobody in.
CREATE TABLE staff_sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash   bytea NOT NULL CHECK (length(token_hash) = 32),
    staff_id     uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL, -- absolute end; the idle timeout is the policy's
    revoked_at   timestamptz,
    user_agent   text NOT NULL DEFAULT '',
    ip           inet,
    CONSTRAINT staff_sessions_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id) WHERE revoked_at IS NULL;

-- One-time links: invitations (to one event, with a role), password resets
-- and login links (printed by `marquee dev`). Spent when used_at is set.
CREATE TABLE staff_tokens (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL CHECK (length(token_hash) = 32),
    purpose    text NOT NULL CHECK (purpose IN ('invite', 'reset', 'login')),
    staff_id   uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    tenant_id  uuid REFERENCES tenants (id) ON DELETE CASCADE,
    role       text CHECK (role IN ('owner', 'marketing', 'fulfilment')),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT staff_tokens_token_hash_key UNIQUE (token_hash),
    -- An invitation is to one event with one role; other links are not.
    CHECK ((purpose = 'invite') = (tenant_id IS NOT NULL AND role IS NOT NULL))
);
CREATE INDEX staff_tokens_staff ON staff_tokens (staff_id, purpose) WHERE used_at IS NULL;

-- Every password login, for throttling per account and per IP. Kept in
-- Postgres so that every replica counts the same failures.
CREATE TABLE login_attempts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email     text NOT NULL,
    ip        inet NOT NULL,
    succeeded boolean NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email_at ON login_attempts (email, at);
CREATE INDEX login_attempts_ip_at ON login_attempts (ip, at);

-- Who did what: logins, logouts, role changes. Rows of an event carry its
-- tenant_id; platform rows (a login names no event) have none. Append-only:
-- no role the application uses may update or delete a row.
CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      uuid REFERENCES tenants (id) ON DELETE CASCADE,
    actor_staff_id uuid, -- no foreign key: the log outlives the accounts it names
    action         text NOT NULL,
    subject        text NOT NULL DEFAULT '',
    detail         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
    ip             inet,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);

-- Platform tables: marquee_platform only.
ALTER TABLE staff ENABLE ROW LEVEL SECURITY;
ALTER TABLE staff FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON staff TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON staff TO marquee_platform;

ALTER TABLE staff_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE staff_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON staff_sessions TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON staff_sessions TO marquee_platform;

ALTER TABLE staff_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE staff_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON staff_tokens TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON staff_tokens TO marquee_platform;

ALTER TABLE login_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE login_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_access ON login_attempts TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, DELETE ON login_attempts TO marquee_platform;

-- Tenant-owned: an event's transaction reads its own members; changing
-- them is platform work (it needs the staff table too).
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON memberships TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON memberships TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT ON memberships TO marquee_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO marquee_platform;

-- An event's transaction may write and read its own entries; the platform
-- reads and writes all of them. Neither may change or remove one.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log TO marquee_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_access ON audit_log TO marquee_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT ON audit_log TO marquee_app, marquee_platform;

CREATE TRIGGER staff_touch BEFORE UPDATE ON staff FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER memberships_touch BEFORE UPDATE ON memberships FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- +goose Down
DROP TABLE audit_log;
DROP TABLE login_attempts;
DROP TABLE staff_tokens;
DROP TABLE staff_sessions;
DROP TABLE memberships;
DROP TABLE staff;
