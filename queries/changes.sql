-- What replicas hear of a change: the application sends it on channel
-- tenant_changed inside the transaction that makes the change, so it is
-- delivered at commit and never for a rolled-back change (no trigger:
-- on a distributed table a trigger would fire on the worker nodes). The
-- payload is the event's id, or "stock TENANT VARIANT UNITS" when only a
-- variant's stock changed (sent by the statements that change it, in
-- catalogue.sql and orders.sql). db.ListenTenantChanges reads them.

-- name: TenantSetChanging :exec
-- TenantSet for a transaction that changes what replicas cache of the
-- event: the same statement tells them, at commit.
SELECT set_config('role', 'marquee_app', true), set_config('app.tenant_id', @tenant_id::text, true),
       pg_notify('tenant_changed', @tenant_id::text);

-- name: TenantChanged :exec
-- Tells the replicas, at commit, that the event's cached data changed.
SELECT pg_notify('tenant_changed', CAST(@tenant_id::uuid AS text));
