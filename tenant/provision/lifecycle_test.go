package provision_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/tenant"
)

// TestEventLifecycle walks an event through its life: renamed, given and
// relieved of a closing time, suspended, resumed, archived, reopened and
// deleted, each refusal with its exact message; another event is never
// touched.
func TestEventLifecycle(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	f.create(t, "berlin")
	other := f.create(t, "other").Tenant
	type step struct {
		do          func() (*tenant.Tenant, error)
		status      tenant.Status
		field, want string // the refusal; "" for none
	}
	steps := []struct {
		name string
		step
	}{
		{"an empty name", step{func() (*tenant.Tenant, error) { return f.svc.Rename(ctx, "berlin", " ") }, "", "name", "Enter the event's name."}},
		{"a rename", step{func() (*tenant.Tenant, error) { return f.svc.Rename(ctx, "berlin", " Berlin Summit ") }, tenant.StatusActive, "", ""}},
		{"a closing time that is no time", step{func() (*tenant.Tenant, error) { return f.svc.SetClosesAt(ctx, "berlin", "tomorrow") }, "", "closes_at", "Enter the closing time as YYYY-MM-DDTHH:MM in UTC, or none."}},
		{"a closing time", step{func() (*tenant.Tenant, error) { return f.svc.SetClosesAt(ctx, "berlin", "2027-06-04T12:30") }, tenant.StatusActive, "", ""}},
		{"resuming an active event", step{func() (*tenant.Tenant, error) { return f.svc.Resume(ctx, "berlin") }, "", "", "The event is already active."}},
		{"suspending", step{func() (*tenant.Tenant, error) { return f.svc.Suspend(ctx, "berlin") }, tenant.StatusSuspended, "", ""}},
		{"suspending again", step{func() (*tenant.Tenant, error) { return f.svc.Suspend(ctx, "berlin") }, "", "", "Only an active event can be suspended."}},
		{"resuming", step{func() (*tenant.Tenant, error) { return f.svc.Resume(ctx, "berlin") }, tenant.StatusActive, "", ""}},
		{"archiving", step{func() (*tenant.Tenant, error) { return f.svc.Archive(ctx, "berlin") }, tenant.StatusArchived, "", ""}},
		{"archiving again", step{func() (*tenant.Tenant, error) { return f.svc.Archive(ctx, "berlin") }, "", "", "The event is already archived."}},
		{"reopening an archived event", step{func() (*tenant.Tenant, error) { return f.svc.Resume(ctx, "berlin") }, tenant.StatusActive, "", ""}},
		{"suspending an unknown slug", step{func() (*tenant.Tenant, error) { return f.svc.Suspend(ctx, "nowhere") }, "", "", "There is no event with this slug."}},
	}
	for _, s := range steps {
		got, err := s.do()
		if s.want != "" {
			wantRefusal(t, s.name, err, s.field, s.want)
			continue
		}
		if err != nil || got.Status != s.status {
			t.Errorf("%s: %+v, %v; want %s", s.name, got, err, s.status)
		}
	}
	got, _ := f.svc.Get(ctx, "berlin")
	if got == nil || got.Name != "Berlin Summit" || got.Status != tenant.StatusActive || !got.ClosesAt.Equal(time.Date(2027, 6, 4, 12, 30, 0, 0, time.UTC)) {
		t.Fatalf("after the steps: %+v", got)
	}
	t.Run("none takes the closing time away", func(t *testing.T) {
		got, err := f.svc.SetClosesAt(ctx, "berlin", "none")
		if err != nil || got.ClosesAt != nil {
			t.Fatalf("%+v, %v", got, err)
		}
	})
	t.Run("the other event is untouched", func(t *testing.T) {
		got, _ := f.svc.Get(ctx, "other")
		if got.Name != "other" || got.Status != tenant.StatusActive || got.ClosesAt != nil || !got.UpdatedAt.Equal(other.UpdatedAt) {
			t.Errorf("other: %+v", got)
		}
	})
}

// TestDeleteAnArchivedEvent: only an archived event is deleted, with its
// slug repeated; its data goes with it, the slug is free again, and
// another event keeps its own.
func TestDeleteAnArchivedEvent(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	berlin := f.create(t, "berlin").Tenant
	other := f.create(t, "other").Tenant
	stock := 5
	for _, id := range []uuid.UUID{berlin.ID, other.ID} {
		p, err := f.db.AddProduct(ctx, id, storefront.Product{Name: storefront.Text{"en": "Hoodie"}, Visible: true, PriceMinor: 3000,
			Variants: []storefront.Variant{{Label: storefront.Text{"en": "M"}, Stock: &stock}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.PlaceOrder(ctx, id, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "buyer@example.com", Name: "Buyer", Locale: "en",
			Lines: []storefront.Line{{ProductID: p.ID, VariantID: p.Variants[0].ID, Quantity: 1}}}); err != nil {
			t.Fatal(err)
		}
	}
	wantRefusal(t, "an active event", f.svc.Delete(ctx, "berlin", "berlin"), "", "Only an archived event can be deleted. Archive it first.")
	if _, err := f.svc.Archive(ctx, "berlin"); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, "no confirmation", f.svc.Delete(ctx, "berlin", ""), "confirm", "To delete the event, repeat its slug as the confirmation.")
	wantRefusal(t, "a wrong confirmation", f.svc.Delete(ctx, "berlin", "berlinn"), "confirm", "To delete the event, repeat its slug as the confirmation.")
	wantRefusal(t, "another event's slug as the confirmation", f.svc.Delete(ctx, "berlin", "other"), "confirm", "To delete the event, repeat its slug as the confirmation.")
	wantRefusal(t, "an unknown slug", f.svc.Delete(ctx, "nowhere", "nowhere"), "", "There is no event with this slug.")
	if err := f.svc.Delete(ctx, "berlin", " berlin "); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Get(ctx, "berlin"); err == nil {
		t.Fatal("the event is still there")
	}
	for _, table := range []string{"products", "orders", "order_items", "form_fields", "brandings", "staff_tokens"} {
		if n := f.count(t, "SELECT count(*) FROM "+table+" WHERE tenant_id = $1", berlin.ID); n != 0 {
			t.Errorf("%d rows left in %s", n, table)
		}
	}
	for _, table := range []string{"products", "orders", "order_items"} {
		if n := f.count(t, "SELECT count(*) FROM "+table+" WHERE tenant_id = $1", other.ID); n == 0 {
			t.Errorf("the other event lost its %s", table)
		}
	}
	f.create(t, "berlin") // the slug is free again once the event is gone
}
