package db

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/tenant/staff"
)

// SearchAudit returns a page of the audit log by f, newest first, with
// the names its entries point at. One event's entries are read in that
// event's transaction, so row-level security confines them as well as
// the filter; the names (staff emails, event slugs) are read as the
// platform, which alone may see the staff table. An actor email no
// account has matches nothing.
func (s *StaffStore) SearchAudit(ctx context.Context, f staff.AuditFilter) ([]staff.AuditLine, error) {
	p, none, err := s.searchParams(ctx, f)
	if err != nil || none {
		return nil, err
	}
	var out []staff.AuditLine
	read := func(q *dbq.Queries) error {
		rows, err := q.AuditSearch(ctx, p)
		for _, r := range rows {
			e, err := auditEntryFromRow(r)
			if err != nil {
				return err
			}
			out = append(out, staff.AuditLine{AuditEntry: e})
		}
		return err
	}
	if f.TenantID.Valid {
		err = s.db.inTenantQ(ctx, f.TenantID.UUID, read)
	} else {
		err = s.db.inPlatformQ(ctx, read)
	}
	if err != nil {
		return nil, err
	}
	return out, s.nameAuditLines(ctx, out)
}

// searchParams are f's query parameters; none is true when f cannot
// match an entry (no account has its actor's email).
func (s *StaffStore) searchParams(ctx context.Context, f staff.AuditFilter) (p dbq.AuditSearchParams, none bool, err error) {
	p = dbq.AuditSearchParams{TenantID: f.TenantID, MaxRows: int32(min(max(f.Limit, 0), 1000))}
	if p.MaxRows == 0 {
		p.MaxRows = 50
	}
	if f.ActorEmail != "" {
		actor, err := s.StaffByEmail(ctx, f.ActorEmail)
		if marquee.ErrorCode(err) == marquee.ENOTFOUND || marquee.ErrorCode(err) == marquee.EINVALID {
			return p, true, nil
		}
		if err != nil {
			return p, false, err
		}
		p.ActorStaffID = known(actor.ID)
	}
	if f.Action != "" {
		p.Action = &f.Action
	}
	if !f.From.IsZero() {
		p.FromAt = &f.From
	}
	if !f.Until.IsZero() {
		p.UntilAt = &f.Until
	}
	if f.BeforeID > 0 {
		p.BeforeID = &f.BeforeID
	}
	return p, false, nil
}

// nameAuditLines fills in the emails of the lines' actors and staff
// subjects and the slugs of their events.
func (s *StaffStore) nameAuditLines(ctx context.Context, lines []staff.AuditLine) error {
	if len(lines) == 0 {
		return nil
	}
	var staffIDs, eventIDs []uuid.UUID
	for _, l := range lines {
		if l.ActorID.Valid {
			staffIDs = append(staffIDs, l.ActorID.UUID)
		}
		if id, ok := staffSubject(l.Subject); ok {
			staffIDs = append(staffIDs, id)
		}
		if l.TenantID.Valid {
			eventIDs = append(eventIDs, l.TenantID.UUID)
		}
	}
	emails, slugs := map[uuid.UUID]string{}, map[uuid.UUID]string{}
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		people, err := q.AuditStaffEmails(ctx, staffIDs)
		if err != nil {
			return err
		}
		for _, p := range people {
			emails[p.ID] = p.Email
		}
		events, err := q.AuditEventSlugs(ctx, eventIDs)
		for _, e := range events {
			slugs[e.ID] = e.Slug
		}
		return err
	})
	for i := range lines {
		l := &lines[i]
		l.ActorEmail, l.EventSlug = emails[l.ActorID.UUID], slugs[l.TenantID.UUID]
		if id, ok := staffSubject(l.Subject); ok {
			l.SubjectEmail = emails[id]
		}
	}
	return err
}

// staffSubject is the account an entry's subject names ("staff:<id>").
func staffSubject(subject string) (uuid.UUID, bool) {
	rest, ok := strings.CutPrefix(subject, "staff:")
	if !ok {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(rest)
	return id, err == nil
}

// RecordPlatformAction writes that staffID did action on the platform's
// pages (no event's), about subject.
func (s *StaffStore) RecordPlatformAction(ctx context.Context, staffID uuid.UUID, action, subject string) error {
	if staffID == uuid.Nil {
		return errors.New("platform action without an actor")
	}
	return s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		return q.AuditInsert(ctx, dbq.AuditInsertParams{ActorStaffID: known(staffID), Action: action, Subject: subject,
			Detail: []byte("{}"), Now: s.db.now()})
	})
}

// RecordAuditExport writes that staffID downloaded the audit log: into
// the event's log when the download was one event's, else the platform's.
// what is the download's filter, as its query string.
func (s *StaffStore) RecordAuditExport(ctx context.Context, tenantID uuid.NullUUID, staffID uuid.UUID, what string) error {
	if staffID == uuid.Nil {
		return errors.New("audit export without an actor")
	}
	e := dbq.AuditInsertParams{TenantID: tenantID, ActorStaffID: known(staffID), Action: staff.ActionAuditExported,
		Subject: what, Detail: []byte("{}"), Now: s.db.now()}
	if tenantID.Valid {
		return s.db.inTenantQ(ctx, tenantID.UUID, func(q *dbq.Queries) error { return q.AuditInsert(ctx, e) })
	}
	return s.db.inPlatformQ(ctx, func(q *dbq.Queries) error { return q.AuditInsert(ctx, e) })
}
