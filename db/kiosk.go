package db

import (
	"context"
	"time"

	"github.com/google/uuid"

	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/tenant/staff"
)

// kioskListMax is how many devices an event's page lists: more than any
// event has stands.
const kioskListMax = 500

// KioskDevices is an event's devices, newest first, revoked ones too.
func (db *DB) KioskDevices(ctx context.Context, tenantID uuid.UUID) ([]storefront.KioskDevice, error) {
	var rows []dbq.KioskDevice
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) (err error) {
		rows, err = q.KioskDeviceList(ctx, dbq.KioskDeviceListParams{TenantID: tenantID, MaxRows: kioskListMax})
		return err
	})
	out := make([]storefront.KioskDevice, len(rows))
	for i, r := range rows {
		out[i] = kioskDeviceOf(r)
	}
	return out, err
}

// KioskDevice is one of the event's devices; another event's is not found.
func (db *DB) KioskDevice(ctx context.Context, tenantID, id uuid.UUID) (storefront.KioskDevice, error) {
	var d storefront.KioskDevice
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.KioskDeviceGet(ctx, dbq.KioskDeviceGetParams{TenantID: tenantID, ID: id})
		if err != nil {
			return notFound(err, msgNotFound)
		}
		d = kioskDeviceOf(r)
		return nil
	})
	return d, err
}

// IssueKioskDevice stores a new device named name (checked by
// storefront.KioskName) and returns it with its link's secret, which
// exists only in this answer: the table keeps its hash. The audit log
// records who issued it, in the same transaction.
func (db *DB) IssueKioskDevice(ctx context.Context, tenantID uuid.UUID, by staff.Staff, name string) (storefront.KioskDevice, string, error) {
	var d storefront.KioskDevice
	plain, hash := staff.NewToken()
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.KioskDeviceInsert(ctx, dbq.KioskDeviceInsertParams{TenantID: tenantID, Name: name, TokenHash: hash,
			CreatedBy: by.Email, Now: db.now()})
		if err != nil {
			return storeError(err)
		}
		d = kioskDeviceOf(r)
		return q.AuditInsert(ctx, dbq.AuditInsertParams{TenantID: known(tenantID), ActorStaffID: known(by.ID),
			Action: "kiosk_issued", Subject: name, Detail: []byte("{}"), Now: db.now()})
	})
	if err != nil {
		return storefront.KioskDevice{}, "", err
	}
	return d, plain, nil
}

// RevokeKioskDevice ends a device's link (again: a no-op that keeps the
// first time) and records who did it.
func (db *DB) RevokeKioskDevice(ctx context.Context, tenantID uuid.UUID, by staff.Staff, id uuid.UUID) (storefront.KioskDevice, error) {
	var d storefront.KioskDevice
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.KioskDeviceRevoke(ctx, dbq.KioskDeviceRevokeParams{TenantID: tenantID, ID: id, Now: db.now()})
		if err != nil {
			return notFound(err, msgNotFound)
		}
		d = kioskDeviceOf(r)
		return q.AuditInsert(ctx, dbq.AuditInsertParams{TenantID: known(tenantID), ActorStaffID: known(by.ID),
			Action: "kiosk_revoked", Subject: d.Name, Detail: []byte("{}"), Now: db.now()})
	})
	return d, err
}

// KioskDeviceByToken is the event's device whose link carries plain,
// revoked or not (the kiosk page says which); a secret that is not one of
// the event's devices' is not found. A live device is marked seen.
func (db *DB) KioskDeviceByToken(ctx context.Context, tenantID uuid.UUID, plain string) (storefront.KioskDevice, error) {
	var d storefront.KioskDevice
	hash := staff.HashToken(plain)
	if hash == nil {
		return d, errNotFound()
	}
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.KioskDeviceByToken(ctx, dbq.KioskDeviceByTokenParams{TenantID: tenantID, TokenHash: hash})
		if err != nil {
			return notFound(err, msgNotFound)
		}
		d = kioskDeviceOf(r)
		if d.Revoked() {
			return nil
		}
		now := db.now()
		return q.KioskDeviceSeen(ctx, dbq.KioskDeviceSeenParams{TenantID: tenantID, ID: d.ID, Now: now, StaleBefore: now.Add(-time.Minute)})
	})
	return d, err
}

func kioskDeviceOf(r dbq.KioskDevice) storefront.KioskDevice {
	return storefront.KioskDevice{ID: r.ID, Name: r.Name, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
		LastSeenAt: r.LastSeenAt, RevokedAt: r.RevokedAt}
}
