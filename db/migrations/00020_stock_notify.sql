-- +goose Up
-- A change of a variant's stock alone (an order, a cancellation, a stock
-- edit) no longer says "the event changed": it says which variant has how
-- many units left, so replicas update the stock they show in place instead
-- of reloading the event (issue 14). Any other change of a variant still
-- sends the event's id. Replicas of the version before ignore the new
-- payload (it is no uuid) and learn the stock when their cache expires.
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

DROP TRIGGER variants_notify ON variants;
CREATE TRIGGER variants_notify AFTER INSERT OR UPDATE OR DELETE ON variants
    FOR EACH ROW EXECUTE FUNCTION notify_variant_changed();

-- +goose Down
DROP TRIGGER variants_notify ON variants;
CREATE TRIGGER variants_notify AFTER INSERT OR UPDATE OR DELETE ON variants
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();
DROP FUNCTION notify_variant_changed();
