package db

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/webhooks"
)

var _ storefront.SignupStore = (*DB)(nil)

// SignupCreate stores a sign-up of a sign-up event, idempotent on
// (tenant, s.ClientID): the same client id twice stores one row, and
// created is false with the row stored the first time. A new sign-up
// emits signup.received to the event's webhooks in its transaction, so a
// stored sign-up always has its deliveries and a replay none. s is
// validated by the caller (storefront.ValidateSignup); what the table
// needs is checked again here (EINVALID naming the field).
func (db *DB) SignupCreate(ctx context.Context, tenantID uuid.UUID, s storefront.Signup) (storefront.Signup, bool, error) {
	if err := checkSignup(s); err != nil {
		return storefront.Signup{}, false, err
	}
	answers, err := json.Marshal(nonNilAnswers(s.Answers))
	if err != nil {
		return storefront.Signup{}, false, marquee.Invalid("answers", "form.invalid")
	}
	var out storefront.Signup
	var created bool
	err = db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		q := dbq.New(tx)
		row, err := q.SignupInsert(ctx, dbq.SignupInsertParams{TenantID: tenantID, ClientID: s.ClientID, Name: s.Name, Email: s.Email,
			Answers: answers, Consent: s.Consent, ConsentText: s.ConsentText, Locale: s.Locale, Source: s.Source, Now: db.now()})
		if isNoRow(err) {
			created = false
			row, err = q.SignupByClientID(ctx, dbq.SignupByClientIDParams{TenantID: tenantID, ClientID: s.ClientID})
			if err != nil {
				return err
			}
			out, err = signupOf(row)
			return err
		}
		if err != nil {
			return err
		}
		created = true
		if out, err = signupOf(row); err != nil {
			return err
		}
		return db.signupReceived(ctx, tx, tenantID, out)
	})
	return out, created, err
}

// signupReceived tells the webhooks of the event (and the platform's) of
// a new sign-up, inside its transaction.
func (db *DB) signupReceived(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, s storefront.Signup) error {
	return emitWebhook(ctx, tx, tenantID, webhooks.SignupReceived, webhooks.Signup(tenantID, s))
}

func checkSignup(s storefront.Signup) error {
	switch {
	case s.ClientID == uuid.Nil:
		return marquee.Invalid(storefront.SignupInputClientID, storefront.MsgSignupExpired)
	case s.Name == "" || len(s.Name) > 4*200:
		return marquee.Invalid(storefront.SignupInputName, "form.required")
	case len(s.Email) < 3 || len(s.Email) > 254:
		return marquee.Invalid(storefront.SignupInputEmail, "form.email_invalid")
	case !s.Consent:
		return marquee.Invalid(storefront.SignupInputConsent, "form.must_check")
	case !storefront.ValidSource(s.Source):
		return marquee.Invalid("source", "form.invalid")
	case s.Locale == "":
		return marquee.Invalid("locale", "form.invalid")
	}
	return nil
}

func nonNilAnswers(a map[string]any) map[string]any {
	if a == nil {
		return map[string]any{}
	}
	return a
}

func signupOf(r dbq.Signup) (storefront.Signup, error) {
	s := storefront.Signup{ID: r.ID, ClientID: r.ClientID, Name: r.Name, Email: r.Email, Consent: r.Consent,
		ConsentText: r.ConsentText, Locale: r.Locale, Source: r.Source, CreatedAt: r.CreatedAt}
	if err := json.Unmarshal(r.Answers, &s.Answers); err != nil {
		return s, fmt.Errorf("signup %s answers: %w", r.ID, err)
	}
	return s, nil
}

// SignupCursor is where a page of sign-ups continues: after the sign-up
// created at At with ID (the last of the page before); zero: the start.
type SignupCursor struct {
	At time.Time
	ID uuid.UUID
}

// Signups returns a page of an event's sign-ups, newest first, from after
// (zero: the newest), and the cursor of the next page (zero: none).
func (db *DB) Signups(ctx context.Context, tenantID uuid.UUID, after SignupCursor, limit int) ([]storefront.Signup, SignupCursor, error) {
	var list []storefront.Signup
	var next SignupCursor
	limit = max(limit, 1)
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		p := dbq.SignupListParams{TenantID: tenantID, AfterID: after.ID, MaxRows: int32(limit + 1)}
		if !after.At.IsZero() {
			p.AfterAt = &after.At
		}
		rows, err := q.SignupList(ctx, p)
		if err != nil {
			return err
		}
		list, next = list[:0], SignupCursor{}
		for i, r := range rows {
			if i == limit {
				last := list[len(list)-1]
				next = SignupCursor{At: last.CreatedAt, ID: last.ID}
				break
			}
			s, err := signupOf(r)
			if err != nil {
				return err
			}
			list = append(list, s)
		}
		return nil
	})
	return list, next, err
}

// SignupCount is how many people signed up for the event.
func (db *DB) SignupCount(ctx context.Context, tenantID uuid.UUID) (int, error) {
	var n int32
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) (err error) {
		n, err = q.SignupCount(ctx, tenantID)
		return err
	})
	return int(n), err
}

// signupTexts is storefront_settings.signup_texts: per language, the
// consent text and the thank-you text.
type signupTexts map[string]struct {
	Consent string `json:"consent,omitempty"`
	Thanks  string `json:"thanks,omitempty"`
}

// readSignupTexts fills s's sign-up texts from the column.
func readSignupTexts(b []byte, s *storefront.Settings) error {
	var t signupTexts
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	s.SignupConsent, s.SignupThanks = storefront.Text{}, storefront.Text{}
	for l, v := range t {
		s.SignupConsent[l], s.SignupThanks[l] = v.Consent, v.Thanks
	}
	return nil
}

// SaveSignupForm makes the event a shop or a sign-up form (kind) with the
// sign-up form's consent and thank-you texts per language; the other
// settings are left as they are.
func (db *DB) SaveSignupForm(ctx context.Context, tenantID uuid.UUID, kind string, consent, thanks storefront.Text) error {
	if kind != storefront.KindShop && kind != storefront.KindSignup {
		return marquee.Invalid("kind", "form.invalid")
	}
	t := signupTexts{}
	for l, c := range consent {
		v := t[l]
		v.Consent = c
		t[l] = v
	}
	for l, th := range thanks {
		v := t[l]
		v.Thanks = th
		t[l] = v
	}
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		return q.SignupKindSet(ctx, dbq.SignupKindSetParams{TenantID: tenantID, Kind: kind, SignupTexts: b})
	})
}

// eraseSignups deletes the event's sign-ups, all of them or those of
// email, and empties their signup.received webhook messages (the delivery
// log keeps their ids), in the erasure's transaction.
func eraseSignups(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID, email *string) (int, error) {
	n, err := q.SignupsErase(ctx, dbq.SignupsEraseParams{TenantID: tenantID, Email: email})
	if err != nil || n == 0 {
		return 0, err
	}
	_, err = q.SignupMessagesErase(ctx, dbq.SignupMessagesEraseParams{TenantID: tenantID, Email: email})
	return int(n), err
}
