package db_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

// messageWithRecipients is a sent message of ev to the attendees of
// emails (one order each), fanned out.
func messageWithRecipients(t *testing.T, database *db.DB, tenantID uuid.UUID, emails ...string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	item := addProduct(t, database, tenantID, storefront.Product{}, nil)
	for _, e := range emails {
		if _, err := database.PlaceOrder(ctx, tenantID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: e, Name: "A", Locale: "en",
			Lines: []storefront.Line{{ProductID: item.ID, VariantID: item.Variants[0].ID, Quantity: 1}}}); err != nil {
			t.Fatal(err)
		}
	}
	id, err := database.CreateMessage(ctx, tenantID, storefront.Message{Audience: storefront.Audience{Kind: storefront.AudienceAll},
		Texts: map[string]storefront.MessageText{"en": {Subject: "Hi", Body: "Hello"}}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := database.SendMessage(ctx, tenantID, id, uuid.Nil, "crew@example.com"); err != nil || n != len(emails) {
		t.Fatalf("SendMessage = %d, %v; want %d", n, err, len(emails))
	}
	var queued, rate int
	if err := database.FanOutMessage(ctx, tenantID, id, func(_ context.Context, _ pgx.Tx, n, r int) error {
		queued, rate = n, r
		return nil
	}); err != nil || queued != len(emails) || rate != 10 {
		t.Fatalf("FanOutMessage queued %d at %d/s (%v), want %d at the default 10/s", queued, rate, err, len(emails))
	}
	return id
}

// TestTwoWorkersClaimARecipientOnce: a recipient's job run twice at once
// (a retry beside a rescued copy) claims it once; a claim is taken over
// only once it is stale.
func TestTwoWorkersClaimARecipientOnce(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 12})
	ev := newTenant(t, database, "claims")
	id := messageWithRecipients(t, database, ev.ID, "ada@example.com", "bo@example.com")
	warmPool(t, database, 8)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	start := make(chan struct{})
	for range 8 {
		wg.Go(func() {
			<-start
			_, ok, err := database.ClaimMessageRecipient(ctx, ev.ID, id, 0, time.Now().Add(-time.Minute))
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if ok {
				won++
			}
		})
	}
	close(start)
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d claims of one recipient won, want 1", won)
	}
	// A claim younger than stale stays its worker's; an older one (its
	// worker died mid-send) is taken over.
	if _, ok, _ := database.ClaimMessageRecipient(ctx, ev.ID, id, 0, time.Now().Add(-time.Minute)); ok {
		t.Fatal("a fresh claim was taken over")
	}
	if r, ok, err := database.ClaimMessageRecipient(ctx, ev.ID, id, 0, time.Now().Add(time.Second)); err != nil || !ok || r.Attempts != 2 || r.Email != "ada@example.com" {
		t.Fatalf("taking over a stale claim: %+v %v %v", r, ok, err)
	}
	if err := database.FinishMessageRecipient(ctx, ev.ID, id, 0, db.RecipientSent, ""); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := database.ClaimMessageRecipient(ctx, ev.ID, id, 0, time.Now().Add(time.Hour)); ok {
		t.Fatal("a sent recipient was claimed again")
	}
	m, err := database.Message(ctx, ev.ID, id)
	if err != nil || m.State != storefront.MessageSending || m.Progress != (storefront.MessageProgress{Total: 2, Sent: 1}) {
		t.Fatalf("after one of two: %+v %v", m, err)
	}
	if _, ok, err := database.ClaimMessageRecipient(ctx, ev.ID, id, 1, time.Now()); !ok || err != nil {
		t.Fatal("the second recipient could not be claimed", err)
	}
	if err := database.FinishMessageRecipient(ctx, ev.ID, id, 1, db.RecipientFailed, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	if m, err = database.Message(ctx, ev.ID, id); err != nil || m.State != storefront.MessageSent || m.Finished == nil ||
		m.Progress != (storefront.MessageProgress{Total: 2, Sent: 1, Failed: 1}) {
		t.Fatalf("after both: %+v %v", m, err)
	}
}

func TestAMessageIsSentOnceAndOnlyInItsEvent(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "sender")
	other := newTenant(t, database, "other")
	id := messageWithRecipients(t, database, ev.ID, "ada@example.com")
	if _, err := database.SendMessage(ctx, ev.ID, id, uuid.Nil, "crew@example.com"); marquee.ErrorCode(err) != marquee.ECONFLICT {
		t.Fatalf("sending twice: %v, want a conflict", err)
	}
	if err := database.UpdateMessage(ctx, ev.ID, storefront.Message{ID: id, Audience: storefront.Audience{Kind: storefront.AudienceAll}}); marquee.ErrorCode(err) != marquee.ECONFLICT {
		t.Fatalf("changing a sent message: %v, want a conflict", err)
	}
	if _, err := database.Message(ctx, other.ID, id); marquee.ErrorCode(err) != marquee.ENOTFOUND {
		t.Fatalf("another event's message: %v, want not found", err)
	}
	if _, err := database.SendMessage(ctx, other.ID, id, uuid.Nil, "crew@example.com"); marquee.ErrorCode(err) != marquee.ENOTFOUND {
		t.Fatalf("sending another event's message: %v, want not found", err)
	}
	if n := dbtest.CountIn(t, database, ev.ID, "SELECT count(*) FROM audit_log WHERE action = 'message_sent' AND subject = $1", id.String()); n != 1 {
		t.Fatalf("%d audit entries of the send, want 1", n)
	}
	empty, err := database.CreateMessage(ctx, other.ID, storefront.Message{Audience: storefront.Audience{Kind: storefront.AudienceAll}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := database.SendMessage(ctx, other.ID, empty, uuid.Nil, "crew@example.com"); marquee.ErrorField(err) != "audience" {
		t.Fatalf("sending to nobody: %v, want refused on the audience", err)
	}
}

// TestErasingAPersonForgetsTheirMessages: the recipients' table keeps no
// address of an erased person, and a message not yet sent to them is not.
func TestErasingAPersonForgetsTheirMessages(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "forget")
	id := messageWithRecipients(t, database, ev.ID, "ada@example.com", "bo@example.com")
	if _, err := database.ErasePerson(ctx, ev.ID, "ada@example.com", uuid.Nil); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int { return dbtest.CountIn(t, database, ev.ID, q) }
	if n := count("SELECT count(*) FROM message_recipients WHERE email = 'ada@example.com'"); n != 0 {
		t.Fatalf("%d recipient rows keep the erased address", n)
	}
	if n := count("SELECT count(*) FROM message_recipients WHERE email = 'bo@example.com' AND state = 'pending'"); n != 1 {
		t.Fatalf("the other person's row changed (%d pending)", n)
	}
	if _, ok, _ := database.ClaimMessageRecipient(ctx, ev.ID, id, 0, time.Now()); ok {
		t.Fatal("the erased person's message can still be claimed for sending")
	}
	m, err := database.Message(ctx, ev.ID, id)
	if err != nil || m.Progress != (storefront.MessageProgress{Total: 2, Failed: 1}) {
		t.Fatalf("progress after the erasure: %+v %v", m.Progress, err)
	}
}
