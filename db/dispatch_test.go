package db_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/suppliers"
)

// statusEvents records the status changes the Events hook hears of; the
// orders are placed before it is set.
type statusEvents struct {
	db.Events
	mu      sync.Mutex
	changes []storefront.StatusChange
}

func (e *statusEvents) OrderStatusChanged(_ context.Context, _ pgx.Tx, _ *storefront.Order, ch storefront.StatusChange) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.changes = append(e.changes, ch)
	return nil
}

func TestSupplierDispatchMovesTheOrderOnceAllItsLinesAreSent(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "dispatch")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(10))
	mug := addProduct(t, database, ev.ID, storefront.Product{Name: storefront.Text{"en": "Mug"}}, intp(10))
	save := func(name string, p storefront.Product) uuid.UUID {
		id, err := database.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: name, Emails: []string{"orders@" + name + ".test"},
			Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{p.ID}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	shirts, mugs := save("shirts", shirt), save("mugs", mug)
	req := orderFor("ada@example.com", shirt, 1)
	req.Lines = append(req.Lines, storefront.Line{ProductID: mug.ID, VariantID: mug.Variants[0].ID, Quantity: 2})
	o, err := database.PlaceOrder(ctx, ev.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	other, err := database.PlaceOrder(ctx, ev.ID, orderFor("bob@example.com", shirt, 1))
	if err != nil {
		t.Fatal(err)
	}
	events := &statusEvents{}
	database.Events = events
	dispatch := func(supplier uuid.UUID, number string, note string, positions ...int) (*storefront.Order, int, error) {
		return database.DispatchLines(ctx, ev.ID, storefront.Dispatch{SupplierID: supplier, Order: number, Positions: positions, Note: note, Ships: true})
	}

	t.Run("another supplier's line is refused and nothing is written", func(t *testing.T) {
		_, _, err := dispatch(shirts, o.Number, "x", 0, 1)
		if marquee.ErrorCode(err) != marquee.EFORBIDDEN || marquee.ErrorMessage(err) != "dispatch.not_your_line" {
			t.Fatalf("got %v", err)
		}
		got, _ := database.OrderByNumber(ctx, ev.ID, o.Number)
		if got.Items[0].DispatchedAt != nil || len(got.History) != 1 {
			t.Fatalf("written: %+v", got)
		}
	})
	t.Run("no line chosen is refused on the field", func(t *testing.T) {
		_, _, err := dispatch(shirts, o.Number, "x")
		wantRefusal(t, err, "dispatch.choose_lines", "line")
	})
	t.Run("a partial dispatch records the lines, keeps the status, queues no email", func(t *testing.T) {
		got, n, err := dispatch(shirts, o.Number, "DHL 111", 0)
		if err != nil || n != 1 {
			t.Fatalf("got %d, %v", n, err)
		}
		if got.Status != storefront.StatusPlaced || got.Items[0].DispatchedAt == nil || got.Items[0].DispatchNote != "DHL 111" ||
			got.Items[0].DispatchedBy != "supplier:"+shirts.String() || got.Items[1].DispatchedAt != nil {
			t.Fatalf("order %+v", got)
		}
		last := got.History[len(got.History)-1]
		if last.Change != storefront.ChangeLinesDispatched || last.Note != "DHL 111" || last.Actor != "supplier:"+shirts.String() {
			t.Fatalf("history %+v", last)
		}
		if len(events.changes) != 0 {
			t.Fatalf("status changes %+v", events.changes)
		}
	})
	t.Run("marking the same line again changes nothing", func(t *testing.T) {
		got, n, err := dispatch(shirts, o.Number, "DHL 222", 0)
		if err != nil || n != 0 || got.Items[0].DispatchNote != "DHL 111" || len(got.History) != 2 {
			t.Fatalf("got %d, %v, %+v", n, err, got)
		}
	})
	t.Run("the last line moves the order to dispatched with every note, once", func(t *testing.T) {
		got, n, err := dispatch(mugs, o.Number, "UPS 333", 1)
		if err != nil || n != 1 || got.Status != storefront.StatusDispatched {
			t.Fatalf("got %d, %v, %+v", n, err, got)
		}
		if len(events.changes) != 1 || events.changes[0].Status != storefront.StatusDispatched ||
			events.changes[0].Note != "DHL 111\nUPS 333" || events.changes[0].Actor != "supplier:"+mugs.String() {
			t.Fatalf("status changes %+v", events.changes)
		}
		if _, n, err := dispatch(mugs, o.Number, "again", 1); err != nil || n != 0 {
			t.Fatalf("again: %d, %v", n, err)
		}
		if len(events.changes) != 1 {
			t.Fatalf("status changes %+v", events.changes)
		}
	})
	t.Run("a cancelled order's lines are not sent", func(t *testing.T) {
		database.Events = nil
		if _, err := database.CancelOrder(ctx, ev.ID, other.Number, "attendee"); err != nil {
			t.Fatal(err)
		}
		_, _, err := dispatch(shirts, other.Number, "", 0)
		wantRefusal(t, err, "dispatch.cancelled", "")
	})
	t.Run("another event's supplier finds nothing", func(t *testing.T) {
		ev2 := newTenant(t, database, "dispatch-two")
		_, _, err := database.DispatchLines(ctx, ev2.ID, storefront.Dispatch{SupplierID: shirts, Order: o.Number, Positions: []int{0}, Ships: true})
		if marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("the supplier's lines are theirs only", func(t *testing.T) {
		s, err := database.Supplier(ctx, ev.ID, mugs)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := database.SupplierLines(ctx, ev.ID, s, "", 0, 100)
		if err != nil || len(lines) != 1 || lines[0].OrderNumber != o.Number || lines[0].Item.Position != 1 || lines[0].Item.DispatchNote != "UPS 333" {
			t.Fatalf("got %+v, %v", lines, err)
		}
		s, _ = database.Supplier(ctx, ev.ID, shirts)
		if lines, _ := database.SupplierLines(ctx, ev.ID, s, other.Number, 0, 100); len(lines) != 1 || lines[0].OrderStatus != storefront.StatusCancelled {
			t.Fatalf("one order's lines %+v", lines)
		}
		if lines, _ := database.SupplierLines(ctx, ev.ID, s, "", 0, 100); len(lines) != 1 {
			t.Fatalf("a list's lines leave out the cancelled order: %+v", lines)
		}
	})
	t.Run("erasing the attendee erases the tracking notes", func(t *testing.T) {
		if _, err := database.ErasePerson(ctx, ev.ID, "ada@example.com", uuid.Nil); err != nil {
			t.Fatal(err)
		}
		got, _ := database.OrderByNumber(ctx, ev.ID, o.Number)
		for _, it := range got.Items {
			if it.DispatchNote != "" || it.DispatchedAt == nil {
				t.Fatalf("line %+v", it)
			}
		}
		for _, h := range got.History {
			if h.Note != "" {
				t.Fatalf("history %+v", got.History)
			}
		}
	})
}

func TestConcurrentDispatchesMoveTheOrderOnce(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 12})
	ev := newTenant(t, database, "dispatch-race")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(10), intp(10))
	supplier, err := database.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "shirts", Emails: []string{"orders@shirts.test"},
		Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{shirt.ID}})
	if err != nil {
		t.Fatal(err)
	}
	req := orderFor("ada@example.com", shirt, 1)
	req.Lines = append(req.Lines, storefront.Line{ProductID: shirt.ID, VariantID: shirt.Variants[1].ID, Quantity: 1})
	o, err := database.PlaceOrder(ctx, ev.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	events := &statusEvents{}
	database.Events = events
	warmPool(t, database, 10)
	var mu sync.Mutex
	marked := 0
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			<-start
			_, n, err := database.DispatchLines(ctx, ev.ID, storefront.Dispatch{SupplierID: supplier, Order: o.Number,
				Positions: []int{i % 2, 1 - i%2}, Note: "DHL", Ships: true})
			if err != nil {
				t.Errorf("dispatch %d: %v", i, err)
			}
			mu.Lock()
			marked += n
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	if marked != 2 || len(events.changes) != 1 || events.changes[0].Status != storefront.StatusDispatched {
		t.Fatalf("%d lines marked, status changes %+v; want 2 and one move to dispatched", marked, events.changes)
	}
	got, _ := database.OrderByNumber(ctx, ev.ID, o.Number)
	if got.Status != storefront.StatusDispatched || len(got.History) != 2 {
		t.Fatalf("the order %s with history %+v", got.Status, got.History)
	}
}
