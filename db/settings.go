package db

import (
	"context"

	"github.com/google/uuid"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
)

// Settings returns how an event's shop behaves.
func (db *DB) Settings(ctx context.Context, tenantID uuid.UUID) (storefront.Settings, error) {
	var s storefront.Settings
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		var err error
		s, err = settingsIn(ctx, q, tenantID)
		return err
	})
	return s, notFound(err, msgNotFound)
}

func settingsIn(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID) (storefront.Settings, error) {
	r, err := q.SettingsGet(ctx, tenantID)
	if err != nil {
		return storefront.Settings{}, err
	}
	canChange, err := q.SettingsChangeAllowed(ctx, tenantID)
	if err != nil {
		return storefront.Settings{}, err
	}
	s := storefront.Settings{Currency: r.Currency, ClosesAt: r.ClosesAt, Ships: r.Ships,
		AttendeeCanCancel: r.AttendeeCanCancel, AttendeeCanChange: canChange, CommonCountries: r.CommonCountries, ReplyTo: r.ReplyTo,
		TimeZone: r.TimeZone, PickupPlace: r.PickupPlace, PickupDetails: r.PickupDetails,
		RetentionDays: int(r.RetentionDays), EndsOn: fromPgDate(r.EndsOn),
		PayAtPickup: r.PayAtPickup, HoldMinutes: int(r.HoldMinutes), WaitlistHoldHours: int(r.WaitlistHoldHours),
		MessageRate: int(r.MessageRate), Kind: r.Kind}
	return s, readSignupTexts(r.SignupTexts, &s)
}

// SaveSettings stores how an event's shop behaves (currency and close
// date belong to the event and are not changed here). An empty time zone
// is the default one, as is a retention period of 0 days.
func (db *DB) SaveSettings(ctx context.Context, tenantID uuid.UUID, s storefront.Settings) error {
	if s.TimeZone == "" {
		s.TimeZone = storefront.DefaultTimeZone
	}
	if _, err := storefront.LoadTimeZone(s.TimeZone); err != nil {
		return err
	}
	if s.RetentionDays == 0 {
		s.RetentionDays = storefront.DefaultRetentionDays
	}
	if s.RetentionDays < storefront.MinRetentionDays || s.RetentionDays > storefront.MaxRetentionDays {
		return marquee.Invalid("retention_days", "settings.retention_days_range")
	}
	if err := s.CheckPayment(); err != nil {
		return err
	}
	s.HoldMinutes = s.Hold()
	if err := s.CheckWaitlistHold(); err != nil {
		return err
	}
	s.WaitlistHoldHours = s.WaitlistHold()
	if err := s.CheckMessageRate(); err != nil {
		return err
	}
	s.MessageRate = s.Rate()
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		return q.SettingsUpsert(ctx, dbq.SettingsUpsertParams{
			TenantID: tenantID, Ships: s.Ships, AttendeeCanCancel: s.AttendeeCanCancel, AttendeeCanChange: s.AttendeeCanChange,
			CommonCountries: append([]string{}, s.CommonCountries...), ReplyTo: s.ReplyTo,
			TimeZone: s.TimeZone, PickupPlace: s.PickupPlace, PickupDetails: s.PickupDetails,
			RetentionDays: int32(s.RetentionDays), PayAtPickup: s.PayAtPickup, HoldMinutes: int32(s.HoldMinutes),
			WaitlistHoldHours: int32(s.WaitlistHoldHours), MessageRate: int32(s.MessageRate),
		})
	})
}
