-- +goose NO TRANSACTION
-- +goose Up
-- A message's recipients by their place in the send (issue 18): each
-- recipient's job names the message and the place, never the address, so
-- River's jobs hold no personal data, and finds its row by this index.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS message_recipients_position ON message_recipients (tenant_id, message_id, position);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS message_recipients_position;
