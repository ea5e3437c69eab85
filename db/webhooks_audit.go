package db

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"marquee/db/internal/dbq"
	"marquee/storefront/webhooks"
)

// auditWebhook writes a change to endpoint e to the audit log of its
// scope (the event's, or the platform's for uuid.Nil), in the change's
// transaction: who (staffID; uuid.Nil is an API token, "System" in the
// log), the action, the endpoint's URL as the subject, and its id, types
// and state as the detail.
func (db *DB) auditWebhook(ctx context.Context, q *dbq.Queries, tenantID, staffID uuid.UUID, action string, e webhooks.Endpoint) error {
	detail, err := json.Marshal(map[string]any{"endpoint": e.ID, "types": e.Types, "enabled": e.Enabled})
	if err != nil {
		return err
	}
	return q.AuditInsert(ctx, dbq.AuditInsertParams{TenantID: known(tenantID), ActorStaffID: known(staffID),
		Action: action, Subject: e.URL, Detail: detail, Now: db.now()})
}
