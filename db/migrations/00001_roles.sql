-- +goose Up
-- The application never runs as the owner of the tables: every request runs
-- as marquee_app, which owns nothing and is subject to row-level security.
-- Platform work (resolving a host to its event, provisioning) runs as
-- marquee_platform, which also owns nothing and sees every tenant through
-- explicit policies. Both are NOLOGIN: the connecting role (the one in
-- DATABASE_URL, the owner of the schema) switches to them with SET ROLE.
-- Roles are cluster-wide, so databases that share a cluster share them;
-- concurrent migrations of two databases may race to create them.
-- +goose StatementBegin
DO $$
BEGIN
    BEGIN
        CREATE ROLE marquee_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE marquee_platform NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    -- A superuser may SET ROLE to anything; an owner must be a member.
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT marquee_app, marquee_platform TO %I', current_user);
    END IF;
END
$$;
-- +goose StatementEnd

GRANT USAGE ON SCHEMA public TO marquee_app, marquee_platform;

-- The function every tenant policy compares with: the tenant of the current
-- transaction, NULL when none is set (then no row matches).
CREATE FUNCTION app_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

-- Every change to tenant data calls this; each replica listens and drops its
-- cached copy of that tenant.
-- +goose StatementBegin
CREATE FUNCTION notify_tenant_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_TABLE_NAME = 'tenants' THEN
        PERFORM pg_notify('tenant_changed', coalesce(NEW.id, OLD.id)::text);
    ELSE
        PERFORM pg_notify('tenant_changed', coalesce(NEW.tenant_id, OLD.tenant_id)::text);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION touch_updated_at();
DROP FUNCTION notify_tenant_changed();
DROP FUNCTION app_tenant_id();
REVOKE USAGE ON SCHEMA public FROM marquee_app, marquee_platform;
