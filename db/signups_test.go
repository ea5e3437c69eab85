package db_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/webhooks"
)

func aSignup(email string) storefront.Signup {
	return storefront.Signup{ClientID: uuid.New(), Name: "Ada Lovelace", Email: email, Consent: true,
		ConsentText: "I agree", Locale: "en", Source: storefront.SourceWeb, Answers: map[string]any{"company": "ACME"}}
}

// TestSignupCreateIsIdempotentOnClientID: the same client id sent four
// times at once (a kiosk's retries) stores one row, one call reports it
// created, and every call returns that row.
func TestSignupCreateIsIdempotentOnClientID(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 8})
	ev := newTenant(t, database, "signs")
	s := aSignup("ada@example.com")
	warmPool(t, database, 4)
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, ids := 0, map[uuid.UUID]bool{}
	for range 4 {
		wg.Go(func() {
			got, isNew, err := database.SignupCreate(ctx, ev.ID, s)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			ids[got.ID] = true
			if isNew {
				created++
			}
			if got.Name != s.Name || got.Email != s.Email || got.Answers["company"] != "ACME" || got.ClientID != s.ClientID {
				t.Errorf("stored %+v, want the sign-up sent", got)
			}
		})
	}
	wg.Wait()
	if created != 1 || len(ids) != 1 {
		t.Fatalf("%d calls created a sign-up, %d ids returned; want 1 and 1", created, len(ids))
	}
	if n := dbtest.CountIn(t, database, ev.ID, "SELECT count(*) FROM signups"); n != 1 {
		t.Fatalf("%d rows, want 1", n)
	}
	again := s
	again.Name = "Someone Else"
	got, isNew, err := database.SignupCreate(ctx, ev.ID, again)
	if err != nil || isNew || got.Name != s.Name {
		t.Fatalf("a replay with another name: %+v created %v err %v; want the first row, not created", got, isNew, err)
	}
}

// TestSignupClientIDsAreConfinedToTheirEvent: another event's client id
// is a new sign-up there, and neither event's list shows the other's.
func TestSignupClientIDsAreConfinedToTheirEvent(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	a, b := newTenant(t, database, "signa"), newTenant(t, database, "signb")
	s := aSignup("ada@example.com")
	if _, created, err := database.SignupCreate(ctx, a.ID, s); err != nil || !created {
		t.Fatalf("event a: created %v, %v", created, err)
	}
	s.Email = "bob@example.com"
	if _, created, err := database.SignupCreate(ctx, b.ID, s); err != nil || !created {
		t.Fatalf("the same client id on event b: created %v, %v; want a new sign-up there", created, err)
	}
	for ev, want := range map[uuid.UUID]string{a.ID: "ada@example.com", b.ID: "bob@example.com"} {
		list, _, err := database.Signups(ctx, ev, db.SignupCursor{}, 10)
		if err != nil || len(list) != 1 || list[0].Email != want {
			t.Fatalf("list of %s: %+v, %v; want only %s", ev, list, err, want)
		}
	}
}

// TestSignupCreateRefusesWhatTheTableCannotHold: a sign-up without consent,
// client id, email or a known source is refused naming the field, and
// nothing is stored.
func TestSignupCreateRefusesWhatTheTableCannotHold(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "signbad")
	for field, spoil := range map[string]func(*storefront.Signup){
		"consent":   func(s *storefront.Signup) { s.Consent = false },
		"client_id": func(s *storefront.Signup) { s.ClientID = uuid.Nil },
		"email":     func(s *storefront.Signup) { s.Email = "" },
		"name":      func(s *storefront.Signup) { s.Name = "" },
		"source":    func(s *storefront.Signup) { s.Source = "kiosk:not-a-uuid" },
	} {
		s := aSignup("ada@example.com")
		spoil(&s)
		_, _, err := database.SignupCreate(ctx, ev.ID, s)
		if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorField(err) != field {
			t.Errorf("%s spoiled: %v (field %q), want EINVALID on %s", field, err, marquee.ErrorField(err), field)
		}
	}
	if n := dbtest.CountIn(t, database, ev.ID, "SELECT count(*) FROM signups"); n != 0 {
		t.Fatalf("%d rows stored, want none", n)
	}
}

// TestSignupsPageByCursor: seven sign-ups read three at a time come newest
// first, each once, and the last page has no next cursor.
func TestSignupsPageByCursor(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "signpages")
	for i := range 7 {
		s := aSignup(fmt.Sprintf("p%d@example.com", i))
		s.Source = storefront.KioskSource(uuid.New())
		if _, _, err := database.SignupCreate(ctx, ev.ID, s); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	var cur db.SignupCursor
	for page := 0; ; page++ {
		list, next, err := database.Signups(ctx, ev.ID, cur, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			seen = append(seen, s.Email)
		}
		if next == (db.SignupCursor{}) {
			break
		}
		if page > 3 {
			t.Fatal("more pages than seven sign-ups make")
		}
		cur = next
	}
	if len(seen) != 7 || seen[0] != "p6@example.com" || seen[6] != "p0@example.com" {
		t.Fatalf("pages gave %v, want p6 … p0", seen)
	}
	if n, err := database.SignupCount(ctx, ev.ID); err != nil || n != 7 {
		t.Fatalf("count %d, %v; want 7", n, err)
	}
}

// TestSaveSignupFormIsReadWithTheSettings: the kind and the texts per
// language come back with the settings, and saving the shop's settings
// keeps them.
func TestSaveSignupFormIsReadWithTheSettings(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "signform")
	if s, err := database.Settings(ctx, ev.ID); err != nil || s.IsSignup() {
		t.Fatalf("a new event: kind %q, %v; want a shop", s.Kind, err)
	}
	err := database.SaveSignupForm(ctx, ev.ID, storefront.KindSignup,
		storefront.Text{"en": "I agree to be contacted", "de": "Ich bin einverstanden"}, storefront.Text{"en": "Thank you!"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := database.Settings(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := database.SaveSettings(ctx, ev.ID, s); err != nil {
		t.Fatal(err)
	}
	s, err = database.Settings(ctx, ev.ID)
	if err != nil || !s.IsSignup() || s.SignupConsent["de"] != "Ich bin einverstanden" || s.SignupThanks["en"] != "Thank you!" {
		t.Fatalf("settings %+v, %v; want the sign-up form kept", s, err)
	}
	if err := database.SaveSignupForm(ctx, ev.ID, "bazaar", nil, nil); marquee.ErrorField(err) != "kind" {
		t.Fatalf("an unknown kind: %v, want refused on kind", err)
	}
}

// TestSignupReceivedIsEmittedOnce: a sign-up sent three times (one client
// id) gives one signup.received message and one delivery to the event's
// endpoint, with the sign-up as its data; another event's sign-up is not
// delivered there.
func TestSignupReceivedIsEmittedOnce(t *testing.T) {
	ctx := context.Background()
	d, database := webhookDB(t)
	a, b := newTenant(t, database, "signhook-a"), newTenant(t, database, "signhook-b")
	endpoint := endpointOf(t, database, a.ID, "http://127.0.0.1:1/crm", webhooks.SignupReceived)
	s := aSignup("ada@example.com")
	for range 3 {
		if _, _, err := database.SignupCreate(ctx, a.ID, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := database.SignupCreate(ctx, b.ID, aSignup("bob@example.com")); err != nil {
		t.Fatal(err)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1", endpoint.ID); n != 1 {
		t.Fatalf("%d deliveries to the endpoint, want 1", n)
	}
	var payload []byte
	conn, err := pgx.Connect(ctx, d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SELECT payload FROM webhook_messages WHERE type = $1", webhooks.SignupReceived).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	var data webhooks.SignupData
	if err := json.Unmarshal(payload, &data); err != nil || data.Email != "ada@example.com" || data.EventID != a.ID ||
		data.ClientID != s.ClientID || data.Answers["company"] != "ACME" || data.ConsentText != "I agree" {
		t.Fatalf("payload %s (%v), want Ada's sign-up of event a", payload, err)
	}
}
