package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/webhooks"
	"marquee/tenant/staff"
)

// signUp stores who's sign-up on the event, answering with their name.
func signUp(t *testing.T, database *db.DB, eventID uuid.UUID, who attendee) {
	t.Helper()
	s := storefront.Signup{ClientID: uuid.New(), Name: who.name, Email: storefront.NormalizeEmail(who.email), Consent: true,
		ConsentText: "I agree", Locale: "en", Source: storefront.SourceWeb, Answers: map[string]any{"badge": who.name}}
	if _, _, err := database.SignupCreate(context.Background(), eventID, s); err != nil {
		t.Fatal(err)
	}
}

// TestSignupsAreErased: erasing a person deletes their sign-ups and empties
// the signup.received messages sent about them (the webhooks' log keeps
// the message's id), leaving the others' and the person's sign-up on
// another event; the retention period's end erases every sign-up of the
// event, an event with only sign-ups included.
func TestSignupsAreErased(t *testing.T) {
	ctx := context.Background()
	d, database := webhookDB(t)
	ev, other := newTenant(t, database, "signup-privacy"), newTenant(t, database, "signup-other")
	endpointOf(t, database, ev.ID, "http://127.0.0.1:1/crm", webhooks.SignupReceived)
	signUp(t, database, ev.ID, ada)
	signUp(t, database, ev.ID, grace)
	signUp(t, database, other.ID, ada)
	if found := personalDataLeft(t, d.AdminURL, ada.name, other.ID); len(found) != 3 {
		t.Fatalf("the fixture keeps Ada's name in %v, want the sign-up's name and answers and the webhook message", found)
	}
	actor := uuid.New()
	if found, err := database.PersonData(ctx, ev.ID, ada.email); err != nil || found.Signups != 1 {
		t.Fatalf("person data %+v, %v; want one sign-up", found, err)
	}
	e, err := database.ErasePerson(ctx, ev.ID, ada.email, actor)
	if err != nil || e.Signups != 1 || len(e.Orders) != 0 {
		t.Fatalf("erased %+v, %v; want Ada's one sign-up", e, err)
	}
	for _, needle := range []string{ada.name, ada.email} {
		if found := personalDataLeft(t, d.AdminURL, needle, other.ID); len(found) > 0 {
			t.Errorf("%q is still in %v", needle, found)
		}
	}
	if found := personalDataLeft(t, d.AdminURL, grace.email, other.ID); len(found) != 2 {
		t.Errorf("Grace's email left in %v, want her sign-up and its message", found)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM signups WHERE tenant_id = $1", other.ID); n != 1 {
		t.Errorf("%d sign-ups on the other event, want Ada's kept", n)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_messages WHERE tenant_id = $1 AND payload->>'erased' = 'true'", ev.ID); n != 1 {
		t.Errorf("%d emptied messages, want Ada's", n)
	}
	if n := dbtest.CountRows(t, d.AdminURL, `SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = $2 AND actor_staff_id = $3
		AND (detail->>'signups')::int = 1`, ev.ID, staff.ActionPersonErased, actor); n != 1 {
		t.Errorf("%d audit entries for Ada's erasure", n)
	}

	closes := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
	dbtest.Exec(t, d.AdminURL, "UPDATE tenants SET closes_at = $1 WHERE id = $2", closes, ev.ID)
	now := closes.AddDate(0, 0, storefront.DefaultRetentionDays)
	due, err := database.RetentionDue(ctx, now)
	if err != nil || len(due) != 1 || due[0] != ev.ID {
		t.Fatalf("due %v, %v; want the event with only sign-ups", due, err)
	}
	if e, err := database.EraseDueEvent(ctx, ev.ID, now); err != nil || e.Signups != 1 {
		t.Fatalf("retention erased %+v, %v; want Grace's sign-up", e, err)
	}
	if found := personalDataLeft(t, d.AdminURL, grace.email, other.ID); len(found) > 0 {
		t.Errorf("Grace's email is still in %v", found)
	}
	if due, err := database.RetentionDue(ctx, now); err != nil || len(due) != 0 {
		t.Fatalf("due after the erasure %v, %v", due, err)
	}
}
