package db

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/google/uuid"

	"marquee/db/internal/dbq"
	"marquee/tenant/staff"
)

// AuditLog returns up to limit entries (default 100, at most 1000), newest
// first: one event's, read in that event's transaction so row-level
// security confines it, or, with a nil tenantID, everyone's.
func (s *StaffStore) AuditLog(ctx context.Context, tenantID *uuid.UUID, limit int) ([]staff.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	var out []staff.AuditEntry
	read := func(q *dbq.Queries) error {
		p := dbq.AuditListParams{MaxRows: int32(limit)}
		if tenantID != nil {
			p.TenantID = uuid.NullUUID{UUID: *tenantID, Valid: true}
		}
		rows, err := q.AuditList(ctx, p)
		for _, r := range rows {
			e, err := auditEntryFromRow(r)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return err
	}
	if tenantID != nil {
		return out, s.db.inTenantQ(ctx, *tenantID, read)
	}
	return out, s.db.inPlatformQ(ctx, read)
}

// auditEvent is one audit entry to write. tenantID uuid.Nil is a platform
// entry; an invalid actor is the system or an anonymous caller.
type auditEvent struct {
	tenantID uuid.UUID
	actor    uuid.NullUUID
	action   string
	subject  uuid.UUID
	detail   map[string]any
	ip       *netip.Addr
	now      time.Time
}

func audit(ctx context.Context, q *dbq.Queries, e auditEvent) error {
	detail := []byte("{}")
	if e.detail != nil {
		var err error
		if detail, err = json.Marshal(e.detail); err != nil {
			return fmt.Errorf("audit %s detail: %w", e.action, err)
		}
	}
	return q.AuditInsert(ctx, dbq.AuditInsertParams{
		TenantID: known(e.tenantID), ActorStaffID: e.actor,
		Action: e.action, Subject: staff.Subject(e.subject), Detail: detail, Ip: e.ip, Now: e.now,
	})
}

// known returns id as a NullUUID, invalid when it is uuid.Nil.
func known(id uuid.UUID) uuid.NullUUID { return uuid.NullUUID{UUID: id, Valid: id != uuid.Nil} }

func auditEntryFromRow(r dbq.AuditLog) (staff.AuditEntry, error) {
	e := staff.AuditEntry{
		ID: r.ID, TenantID: r.TenantID, ActorID: r.ActorStaffID, Action: r.Action, Subject: r.Subject, At: r.At,
	}
	if r.Ip != nil {
		e.IP = r.Ip.String()
	}
	if err := json.Unmarshal(r.Detail, &e.Detail); err != nil {
		return e, fmt.Errorf("audit entry %d detail: %w", r.ID, err)
	}
	return e, nil
}
