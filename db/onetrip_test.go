package db_test

import (
	"context"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/notify"
)

// batchTrips counts what a pool sends and waits for: each query on its
// own, and each batch once.
type batchTrips struct{ n atomic.Int64 }

func (r *batchTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (r *batchTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *batchTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (r *batchTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (r *batchTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// An order is read in one round trip, whole (items and history), only by
// its own event, and the event's setting does not outlive it on the
// pooled connection.
func TestOrderByNumberIsOneRoundTrip(t *testing.T) {
	ctx := context.Background()
	trips := &batchTrips{}
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 1, Tracer: trips})
	ev := newTenant(t, database, "onetrip")
	other := newTenant(t, database, "othertrip")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(10))
	cap := addProduct(t, database, ev.ID, storefront.Product{Name: storefront.Text{"en": "Cap"}}, nil)
	req := orderFor("ada@example.com", shirt, 2)
	req.Lines = append(req.Lines, storefront.Line{ProductID: cap.ID, VariantID: cap.Variants[0].ID, Quantity: 1})
	placed, err := database.PlaceOrder(ctx, ev.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := database.OrderByNumber(ctx, ev.ID, placed.Number); err != nil { // prepares its statements
		t.Fatal(err)
	}
	before := trips.n.Load()
	got, err := database.OrderByNumber(ctx, ev.ID, placed.Number)
	if err != nil {
		t.Fatal(err)
	}
	if n := trips.n.Load() - before; n != 1 {
		t.Errorf("%d round trips, want 1", n)
	}
	if got.Number != placed.Number || got.TotalMinor != placed.TotalMinor || got.Email != placed.Email || len(got.History) != 1 ||
		got.History[0].Status != storefront.StatusPlaced || !reflect.DeepEqual(got.Items, placed.Items) {
		t.Errorf("read %+v\nplaced %+v", got, placed)
	}
	if _, err := database.OrderByNumber(ctx, other.ID, placed.Number); marquee.ErrorCode(err) != marquee.ENOTFOUND {
		t.Errorf("another event reads the order: %v, want not found", err)
	}
	if _, err := database.OrderByNumber(ctx, ev.ID, "NOPE-NOPE"); marquee.ErrorCode(err) != marquee.ENOTFOUND {
		t.Errorf("a number that does not exist: %v, want not found", err)
	}
	// An email job's read: the same, and whether its email went, at once.
	key := "order:" + placed.Number + ":order_confirmation:1"
	for _, sentBefore := range []bool{false, true} {
		if sentBefore {
			if err := database.RecordEmail(ctx, ev.ID, notify.SentEmail{DedupKey: key, Kind: notify.KindOrderConfirmation, Subject: "Thanks",
				MessageID: "<1@x>", Recipients: []string{placed.Email}, OrderID: &placed.ID}); err != nil {
				t.Fatal(err)
			}
		}
		before := trips.n.Load()
		o, sent, err := database.OrderForEmail(ctx, ev.ID, placed.Number, key)
		if err != nil || sent != sentBefore || o.Number != placed.Number || !reflect.DeepEqual(o.Items, placed.Items) {
			t.Errorf("OrderForEmail: %+v, sent %v (%v), want the order and sent %v", o, sent, err, sentBefore)
		}
		if n := trips.n.Load() - before; n != 1 && sentBefore { // the first prepared its statement
			t.Errorf("OrderForEmail: %d round trips, want 1", n)
		}
	}
	if _, _, err := database.OrderForEmail(ctx, other.ID, placed.Number, key); marquee.ErrorCode(err) != marquee.ENOTFOUND {
		t.Errorf("another event's email job reads the order: %v, want not found", err)
	}
	var setting *string
	if err := database.Pool.QueryRow(ctx, "SELECT nullif(current_setting('app.tenant_id', true), '')").Scan(&setting); err != nil || setting != nil {
		t.Errorf("the event's setting outlived the read on the connection: %v (%v)", setting, err)
	}
}

// An email's record is written in one round trip, once per dedup key, and
// seen by its own event only.
func TestRecordEmailIsOneRoundTrip(t *testing.T) {
	ctx := context.Background()
	trips := &batchTrips{}
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 1, Tracer: trips})
	ev := newTenant(t, database, "mailtrip")
	other := newTenant(t, database, "othermail")
	e := notify.SentEmail{DedupKey: "order:X:placed", Kind: notify.KindOrderConfirmation, Subject: "Thanks", MessageID: "<1@x>", Recipients: []string{"ada@example.com"}}
	for range 2 { // the second changes nothing
		if err := database.RecordEmail(ctx, ev.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	before := trips.n.Load()
	sent, err := database.EmailSent(ctx, ev.ID, e.DedupKey)
	if err != nil || !sent {
		t.Fatalf("sent %v (%v), want true", sent, err)
	}
	if n := trips.n.Load() - before; n != 1 {
		t.Errorf("%d round trips, want 1", n)
	}
	if sent, err := database.EmailSent(ctx, other.ID, e.DedupKey); err != nil || sent {
		t.Errorf("another event sees the email: %v (%v)", sent, err)
	}
	var rows int
	if err := database.InTenant(ctx, ev.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT count(*) FROM email_log").Scan(&rows)
	}); err != nil || rows != 1 {
		t.Errorf("%d email records (%v), want 1", rows, err)
	}
}

// BenchmarkOrderByNumber reads an order of two lines as the status page
// and every email about it do: in one round trip, and as a transaction of
// six as before.
func BenchmarkOrderByNumber(b *testing.B) {
	ctx := context.Background()
	database := dbtest.New(b).Open(b, db.Options{MaxConns: 1})
	ev := newTenant(b, database, "readbench")
	shirt := addProduct(b, database, ev.ID, storefront.Product{}, intp(10))
	cap := addProduct(b, database, ev.ID, storefront.Product{Name: storefront.Text{"en": "Cap"}}, nil)
	req := orderFor("ada@example.com", shirt, 2)
	req.Lines = append(req.Lines, storefront.Line{ProductID: cap.ID, VariantID: cap.Variants[0].ID, Quantity: 1})
	placed, err := database.PlaceOrder(ctx, ev.ID, req)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		read func(context.Context, uuid.UUID, string) (*storefront.Order, error)
	}{
		{"one-trip", database.OrderByNumber},
		{"transaction", database.OrderByNumberInTransaction},
	} {
		read := bc.read
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if o, err := read(ctx, ev.ID, placed.Number); err != nil || len(o.Items) != 2 {
					b.Fatalf("%v, %d items", err, len(o.Items))
				}
			}
		})
	}
}
