package provision_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant"
	"marquee/tenant/provision"
	"marquee/tenant/staff"
)

// TestSlugRules gives each slug rule its own exact message on the slug
// field, and writes nothing; a reserved slug and one taken by another
// event (even an archived one) are refused the same way.
func TestSlugRules(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	f.create(t, "old-event")
	if _, err := f.svc.Archive(ctx, "old-event"); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ slug, want string }{
		{"", "Enter a subdomain for the event."},
		{"ab", "The subdomain must be at least 3 characters long."},
		{strings.Repeat("a", 64), "The subdomain can be at most 63 characters long."},
		{"Berlin", "Use only lowercase letters (a–z), digits and hyphens."},
		{"ber_lin", "Use only lowercase letters (a–z), digits and hyphens."},
		{"-berlin", "The subdomain cannot start or end with a hyphen."},
		{"berlin-", "The subdomain cannot start or end with a hyphen."},
		{"ab--cd", "The subdomain cannot have two hyphens in the third and fourth place."},
		{"www", "This subdomain is reserved for the platform. Choose another."},
		{"console", "This subdomain is reserved for the platform. Choose another."},
		{"old-event", "This subdomain is already taken by another event."},
	}
	for _, tc := range tests {
		_, err := f.svc.Create(ctx, provision.Spec{Slug: tc.slug, Name: "X"})
		wantRefusal(t, "slug "+tc.slug, err, "slug", tc.want)
	}
	if n := f.count(t, "SELECT count(*) FROM tenants"); n != 1 {
		t.Fatalf("%d events after refused slugs, want 1", n)
	}
	t.Run("a slug is trimmed, not refused, for the spaces around it", func(t *testing.T) {
		c, err := f.svc.Create(ctx, provision.Spec{Slug: "  berlin ", Name: " Berlin "})
		if err != nil || c.Tenant.Slug != "berlin" || c.Tenant.Name != "Berlin" {
			t.Fatalf("%+v, %v", c.Tenant, err)
		}
	})
}

// TestCreateRefusesBadInput: each mistake names its field with the exact
// message, and nothing is written.
func TestCreateRefusesBadInput(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	valid := provision.Spec{Slug: "berlin", Name: "Berlin"}
	tests := []struct {
		rule         string
		change       func(*provision.Spec)
		field, want  string
		wantIsPrefix bool
	}{
		{"a currency of four letters", func(s *provision.Spec) { s.Currency = "EURO" }, "currency", "Enter a currency as its three-letter ISO 4217 code, such as EUR or USD.", false},
		{"a date with month 13", func(s *provision.Spec) { s.StartsOn = "2027-13-01" }, "starts_on", "Enter the date as YYYY-MM-DD.", false},
		{"a last day before the first", func(s *provision.Spec) { s.StartsOn, s.EndsOn = "2027-06-02", "2027-06-01" }, "ends_on", "The event's last day cannot be before its first day.", false},
		{"an owner email that is none", func(s *provision.Spec) { s.OwnerEmail = "not-an-email" }, "owner", "", true},
		{"a template that is no event", func(s *provision.Spec) { s.Template = "nope" }, "template", "There is no event with this slug to copy from.", false},
		{"a closing time that is no time", func(s *provision.Spec) { s.ClosesAt = "soon" }, "closes_at", "Enter the closing time as YYYY-MM-DDTHH:MM in UTC, or none.", false},
		{"an empty name", func(s *provision.Spec) { s.Name = " " }, "name", "Enter the event's name.", false},
	}
	for _, tc := range tests {
		spec := valid
		tc.change(&spec)
		_, err := f.svc.Create(ctx, spec)
		field, msg := refusal(err)
		if err == nil || field != tc.field || (!tc.wantIsPrefix && msg != tc.want) || msg == "" {
			t.Errorf("%s: %s: %q (%v), want %s: %q", tc.rule, field, msg, err, tc.field, tc.want)
		}
	}
	t.Run("an owner email without invitations is refused", func(t *testing.T) {
		bare := provision.New(f.db, provision.Options{BaseDomain: base})
		_, err := bare.Create(ctx, provision.Spec{Slug: "berlin", Name: "Berlin", OwnerEmail: "owner@example.com"})
		if field, _ := refusal(err); err == nil || field != "owner" {
			t.Errorf("%v, want a refusal on owner", err)
		}
	})
	if n := f.count(t, "SELECT count(*) FROM tenants"); n != 0 {
		t.Fatalf("refused creations stored %d events", n)
	}
}

// TestCreateFromATemplateWithAnOwner: the new event has what it was
// given, the template's products, stock, form and branding (titled with
// its own name), and an owner invitation that makes its owner.
func TestCreateFromATemplateWithAnOwner(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	tpl, err := f.svc.Create(ctx, provision.Spec{Slug: "template", Name: "Template", Locales: []string{"en", "de"}})
	if err != nil {
		t.Fatal(err)
	}
	stock := 7
	if _, err := f.db.AddProduct(ctx, tpl.Tenant.ID, storefront.Product{Name: storefront.Text{"en": "Hoodie"}, Visible: true, PriceMinor: 3000,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "M"}, Stock: &stock}}}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.AddFormField(ctx, tpl.Tenant.ID, form.Field{Key: "team", Scope: form.ScopeCustomer, Type: form.TypeText, Label: map[string]string{"en": "Team"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SaveSettings(ctx, tpl.Tenant.ID, storefront.Settings{AttendeeCanCancel: true, TimeZone: "America/New_York", PickupPlace: "Hall A"}); err != nil {
		t.Fatal(err)
	}
	created, err := f.svc.Create(ctx, provision.Spec{Slug: "berlin", Name: "Berlin 2027", Locales: []string{"en", "de"}, Currency: "usd",
		StartsOn: "2027-06-01", EndsOn: "2027-06-03", ClosesAt: "2027-06-03T18:00", OwnerEmail: "Owner@Example.com", Template: "template"})
	if err != nil {
		t.Fatal(err)
	}
	berlin := created.Tenant
	t.Run("the event has what it was given", func(t *testing.T) {
		got, err := f.svc.Get(ctx, "berlin")
		if err != nil {
			t.Fatal(err)
		}
		if got.Currency != "USD" || got.StartsOn.Format(time.DateOnly) != "2027-06-01" || got.EndsOn.Format(time.DateOnly) != "2027-06-03" ||
			got.Status != tenant.StatusActive || !got.ClosesAt.Equal(time.Date(2027, 6, 3, 18, 0, 0, 0, time.UTC)) || got.Name != "Berlin 2027" {
			t.Fatalf("event %+v", got)
		}
	})
	t.Run("the template's products, stock and form are copied", func(t *testing.T) {
		cat, err := f.db.Catalogue(ctx, berlin.ID)
		if err != nil || len(cat.Products) != 1 || cat.Products[0].Name["en"] != "Hoodie" || *cat.Products[0].Variants[0].Stock != 7 {
			t.Fatalf("catalogue %+v, %v", cat, err)
		}
		tplCat, _ := f.db.Catalogue(ctx, tpl.Tenant.ID)
		if cat.Products[0].ID == tplCat.Products[0].ID {
			t.Fatal("the copy shares the template's product id")
		}
		fields, _ := f.db.FormFields(ctx, berlin.ID)
		if len(fields) != 1 || fields[0].Key != "team" {
			t.Fatalf("fields %+v", fields)
		}
		b, _ := f.db.PublishedBranding(ctx, berlin.ID)
		if b.Copy["en"].Title != "Berlin 2027" {
			t.Fatalf("title %q, want the new event's name", b.Copy["en"].Title)
		}
	})
	t.Run("the template's time zone is copied, its pick-up place is not: another event is elsewhere", func(t *testing.T) {
		st, err := f.db.Settings(ctx, berlin.ID)
		if err != nil || st.TimeZone != "America/New_York" || st.PickupPlace != "" {
			t.Fatalf("settings %+v, %v", st, err)
		}
	})
	t.Run("the owner's invitation is a console link that makes them the event's owner", func(t *testing.T) {
		token, ok := strings.CutPrefix(created.InviteLink, "https://console.example.com/invite/")
		if !ok || token == "" {
			t.Fatalf("invitation link %q", created.InviteLink)
		}
		owner, err := f.staff.AcceptInvite(ctx, token, "Owner", "a long enough password", time.Now())
		if err != nil || owner.Email != "owner@example.com" {
			t.Fatalf("accept: %+v, %v", owner, err)
		}
		ms, err := f.staff.Memberships(ctx, owner.ID)
		if err != nil || len(ms) != 1 || ms[0].TenantID != berlin.ID || ms[0].Role != staff.RoleOwner {
			t.Fatalf("memberships %+v, %v; want owner of berlin", ms, err)
		}
	})
}
