-- +goose Up
-- marquee:two-step contract-of=7dfdfc9 the application sends every tenant_changed notification itself (db.InTenantChanging, db.TenantChanged and the stock statements), so nothing relies on these triggers
-- Cache invalidation without triggers: the application sends the
-- notifications on tenant_changed inside the transaction of each change
-- (queries/changes.sql), with the payloads these triggers sent. On a
-- table distributed by tenant_id (Citus) a trigger would fire on the
-- worker node holding the shard, where no replica listens.
DROP TRIGGER tenants_notify ON tenants;
DROP TRIGGER domains_notify ON domains;
DROP TRIGGER brandings_notify ON brandings;
DROP TRIGGER storefront_settings_notify ON storefront_settings;
DROP TRIGGER products_notify ON products;
DROP TRIGGER variants_notify ON variants;
DROP TRIGGER form_fields_notify ON form_fields;
DROP FUNCTION notify_variant_changed();
DROP FUNCTION notify_tenant_changed();

-- +goose Down
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
CREATE FUNCTION notify_variant_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (to_jsonb(OLD) - 'stock' - 'updated_at') = (to_jsonb(NEW) - 'stock' - 'updated_at') THEN
        IF OLD.stock IS DISTINCT FROM NEW.stock THEN
            PERFORM pg_notify('tenant_changed', 'stock ' || NEW.tenant_id || ' ' || NEW.id || ' '
                || coalesce(NEW.stock::text, 'unlimited'));
        END IF;
        RETURN NULL;
    END IF;
    PERFORM pg_notify('tenant_changed', coalesce(NEW.tenant_id, OLD.tenant_id)::text);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER tenants_notify AFTER INSERT OR UPDATE OR DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();
CREATE TRIGGER domains_notify AFTER INSERT OR UPDATE OR DELETE ON domains
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();
CREATE TRIGGER brandings_notify AFTER INSERT OR UPDATE OR DELETE ON brandings
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();
CREATE TRIGGER storefront_settings_notify AFTER INSERT OR UPDATE OR DELETE ON storefront_settings
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();
CREATE TRIGGER products_notify AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();
CREATE TRIGGER variants_notify AFTER INSERT OR UPDATE OR DELETE ON variants
    FOR EACH ROW EXECUTE FUNCTION notify_variant_changed();
CREATE TRIGGER form_fields_notify AFTER INSERT OR UPDATE OR DELETE ON form_fields
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();
