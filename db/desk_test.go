package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

// collectHeard records the status changes a collection tells db.Events of.
type collectHeard struct {
	db.Events // nil: any other call would panic, and none is expected
	mu        sync.Mutex
	changes   []storefront.StatusChange
}

func (h *collectHeard) OrderStatusChanged(_ context.Context, _ pgx.Tx, o *storefront.Order, ch storefront.StatusChange) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.changes = append(h.changes, ch)
	return nil
}

// TestTwoDesksCollectOneOrderOnce: of two desks collecting the same order
// at the same moment, exactly one hands it over; the other is told it was
// collected already, by whom and when. The order has one collected row in
// its history and the attendee's email is queued once.
func TestTwoDesksCollectOneOrderOnce(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "desks")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(50))
	const rounds = 12
	var numbers []string
	for i := range rounds {
		o, err := database.PlaceOrder(ctx, ev.ID, orderFor(uuid.NewString()[:6]+"@example.com", shirt, 1+i%2))
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, o.Number)
	}
	heard := &collectHeard{}
	database.Events = heard
	warmPool(t, database, 4)
	deskA, deskB := uuid.New(), uuid.New()
	for _, number := range numbers {
		start := make(chan struct{})
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, desk := range []uuid.UUID{deskA, deskB} {
			wg.Go(func() {
				<-start
				_, errs[i] = database.CollectOrder(ctx, ev.ID, number, desk, false)
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			var already *storefront.AlreadyCollected
			switch {
			case err == nil:
				won++
			case errors.As(err, &already):
				other := []uuid.UUID{deskA, deskB}[1-i]
				if already.Actor != "staff:"+other.String() || already.At.IsZero() {
					t.Errorf("order %s: the losing desk was told %q at %v, want the other desk %s", number, already.Actor, already.At, other)
				}
				if marquee.ErrorCode(err) != marquee.ECONFLICT || marquee.ErrorMessage(err) != "desk.problem.collected" {
					t.Errorf("order %s: %v is %s %s, want a conflict desk.problem.collected", number, err, marquee.ErrorCode(err), marquee.ErrorMessage(err))
				}
			default:
				t.Errorf("order %s: %v, want collected or already collected", number, err)
			}
		}
		if won != 1 {
			t.Fatalf("order %s: %d desks collected it, want exactly 1 (%v)", number, won, errs)
		}
		o, err := database.OrderByNumber(ctx, ev.ID, number)
		if err != nil {
			t.Fatal(err)
		}
		collected := 0
		for _, ch := range o.History {
			if ch.Status == storefront.StatusCollected {
				collected++
			}
		}
		if o.Status != storefront.StatusCollected || collected != 1 {
			t.Fatalf("order %s: status %s with %d collected rows, want collected with 1", number, o.Status, collected)
		}
	}
	if len(heard.changes) != rounds {
		t.Fatalf("%d status changes told, want %d (one per order)", len(heard.changes), rounds)
	}
	for _, ch := range heard.changes {
		if ch.Status != storefront.StatusCollected || ch.Note != "" {
			t.Fatalf("told %+v, want collected without a note", ch)
		}
	}
}

// TestWhatTheDeskMayCollect: placed, confirmed and ready-for-pick-up
// orders are collected; a cancelled, a shipped, an unpaid online and a
// to-be-paid-at-the-desk order are refused with their problem and left
// unchanged, the last collected with "Mark paid and collect" (paid, a
// history note and an audit entry). Another event's number is not found.
// The desk's counts follow.
// placer returns place: it places an order of quantity p for a new
// attendee of the event, sets columns of it as set says ("status =
// 'cancelled'"; nothing when empty) past the app's rules, and returns its
// number.
func placer(t *testing.T, database *db.DB, admin string, tenantID uuid.UUID, p storefront.Product, quantity int) func(set string) string {
	return func(set string) string {
		t.Helper()
		o, err := database.PlaceOrder(context.Background(), tenantID, orderFor(uuid.NewString()[:6]+"@example.com", p, quantity))
		if err != nil {
			t.Fatal(err)
		}
		if set != "" {
			dbtest.Exec(t, admin, "UPDATE orders SET "+set+" WHERE tenant_id = $1 AND number = $2", tenantID, o.Number)
		}
		return o.Number
	}
}

func TestWhatTheDeskMayCollect(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	ev := newTenant(t, database, "collects")
	other := newTenant(t, database, "elsewhere")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(50))
	place := placer(t, database, d.AdminURL, ev.ID, shirt, 2)
	staffID := uuid.New()
	for _, status := range []string{"placed", "confirmed", "ready_for_pickup"} {
		number := place("status = '" + status + "'")
		o, err := database.CollectOrder(ctx, ev.ID, number, staffID, false)
		if err != nil || o.Status != storefront.StatusCollected {
			t.Fatalf("collect a %s order: %v %v, want collected", status, o, err)
		}
		last := o.History[len(o.History)-1]
		if last.Status != storefront.StatusCollected || last.Actor != "staff:"+staffID.String() {
			t.Fatalf("history row %+v, want collected by the staff member", last)
		}
	}
	refused := map[string]storefront.Problem{
		"status = 'cancelled'":                                                           storefront.ProblemCancelled,
		`shipping_address = '{"country":"DE"}'`:                                          storefront.ProblemShipped,
		"status = 'dispatched'":                                                          storefront.ProblemShipped,
		"status = 'pending_payment', payment_state = 'pending'":                          storefront.ProblemPendingPayment,
		"payment_state = 'at_pickup'":                                                    storefront.ProblemNotPaid,
		"status = 'cancelled', payment_state = 'at_pickup'":                              storefront.ProblemCancelled,
		"status = 'ready_for_pickup', payment_state = 'paid', total_minor = total_minor": storefront.ProblemNone,
	}
	for set, problem := range refused {
		number := place(set)
		_, err := database.CollectOrder(ctx, ev.ID, number, staffID, false)
		if problem == storefront.ProblemNone {
			if err != nil {
				t.Fatalf("%s: %v, want collected", set, err)
			}
			continue
		}
		if marquee.ErrorCode(err) != marquee.ECONFLICT || marquee.ErrorMessage(err) != problem.Message() {
			t.Fatalf("%s: %v, want a conflict %s", set, err, problem.Message())
		}
		o, err := database.OrderByNumber(ctx, ev.ID, number)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status == storefront.StatusCollected || len(o.History) != 1 {
			t.Fatalf("%s: refused, yet status %s with %d history rows", set, o.Status, len(o.History))
		}
		if o.DeskProblem() != problem {
			t.Fatalf("%s: the card would show %q, want %q", set, o.DeskProblem(), problem)
		}
	}

	unpaid := place("payment_state = 'at_pickup'")
	o, err := database.CollectOrder(ctx, ev.ID, unpaid, staffID, true)
	if err != nil || o.Status != storefront.StatusCollected || o.PaymentState != storefront.PaymentPaid {
		t.Fatalf("mark paid and collect: %+v %v, want collected and paid", o, err)
	}
	if last := o.History[len(o.History)-1]; last.Note != db.PaidAtPickupNote {
		t.Fatalf("history row %+v, want the note %q", last, db.PaidAtPickupNote)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM audit_log WHERE action = 'order_marked_paid' AND subject = $1", unpaid); n != 1 {
		t.Fatalf("%d audit entries of the desk payment, want 1", n)
	}
	paidOnline := place("payment_state = 'paid'")
	if o, err := database.CollectOrder(ctx, ev.ID, paidOnline, staffID, true); err != nil || o.History[len(o.History)-1].Note != "" {
		t.Fatalf("mark paid and collect a paid order: %v, want collected with no payment noted", err)
	}
	if _, err := database.CollectOrder(ctx, other.ID, place(""), staffID, false); marquee.ErrorCode(err) != marquee.ENOTFOUND {
		t.Fatalf("another event's order: %v, want not found", err)
	}

	counts, err := database.DeskCounts(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Collected: 3 statuses + the paid ready one + mark-paid + paid online
	// = 6 orders of 2; still to hand over: the at_pickup one refused and
	// the order placed for the other event's attempt.
	if len(counts) != 1 || counts[0].VariantID != shirt.Variants[0].ID || counts[0].Collected != 12 || counts[0].Remaining != 4 {
		t.Fatalf("desk counts %+v, want 12 collected and 4 remaining of the shirt", counts)
	}
}
