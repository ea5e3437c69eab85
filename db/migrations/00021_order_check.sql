-- +goose Up
-- An order's last batch ends with its COMMIT (issue 14: one round trip for
-- all its writes), so a statement that finds too little stock, or an
-- attendee over a product's limit, must fail the transaction itself rather
-- than return no row for the application to notice before committing.
-- order_check(ok, reason) returns true when ok and otherwise raises reason
-- with SQLSTATE MQ409, which the application turns into the refusal
-- (db/orders_refused.go); the statements after it, the COMMIT included,
-- are skipped and the transaction rolls back.
-- +goose StatementBegin
CREATE FUNCTION order_check(ok boolean, reason text) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF ok THEN
        RETURN true;
    END IF;
    RAISE EXCEPTION '%', reason USING ERRCODE = 'MQ409';
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION order_check(boolean, text);
