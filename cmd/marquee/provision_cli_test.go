package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant/api"
)

// TestSlugRulesFromTheCLI: a refused slug is named after the flag, exit
// code 2, and nothing is written; every slug rule and its message is
// tenant/provision's TestSlugRules.
func TestSlugRulesFromTheCLI(t *testing.T) {
	d := dbtest.New(t)
	vars := map[string]string{"DATABASE_URL": d.OwnerURL, "BASE_DOMAIN": "example.com"}
	if _, err := cli(t, vars, "tenant", "create", "--slug", "old-event", "--name", "Old"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, vars, "tenant", "archive", "old-event"); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ slug, want string }{
		{"", "--slug: Enter a subdomain for the event."},
		{"Berlin", "--slug: Use only lowercase letters (a–z), digits and hyphens."},
		{"www", "--slug: This subdomain is reserved for the platform. Choose another."},
		{"old-event", "--slug: This subdomain is already taken by another event."},
	}
	for _, tc := range tests {
		_, err := cli(t, vars, "tenant", "create", "--slug", tc.slug, "--name", "X")
		if err == nil || err.Error() != tc.want || exitCode(err) != 2 {
			t.Errorf("slug %q: got %v, want exactly %q", tc.slug, err, tc.want)
		}
	}
	out, err := cli(t, vars, "tenant", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list []api.Event
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 {
		t.Fatalf("after refused slugs: %v %s", err, out)
	}
}

// TestProvisioningCommands walks an event through its life from the CLI:
// created from a template with an owner, shown, renamed, suspended,
// resumed, archived and deleted, what each prints and each refusal named
// after its flag. The service's rules behind them (what a template
// copies, the state transitions, what deleting takes) are tested in
// tenant/provision.
func TestProvisioningCommands(t *testing.T) {
	d := dbtest.New(t)
	vars := map[string]string{"DATABASE_URL": d.OwnerURL, "BASE_DOMAIN": "example.com"}
	ctx := context.Background()
	database := d.Open(t, db.Options{})
	if _, err := cli(t, vars, "tenant", "create", "--slug", "template", "--name", "Template", "--locales", "en,de"); err != nil {
		t.Fatal(err)
	}
	tpl, err := database.TenantBySlug(ctx, "template")
	if err != nil {
		t.Fatal(err)
	}
	stock := 7
	if _, err := database.AddProduct(ctx, tpl.ID, storefront.Product{Name: storefront.Text{"en": "Hoodie"}, Visible: true, PriceMinor: 3000,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "M"}, Stock: &stock}}}); err != nil {
		t.Fatal(err)
	}

	t.Run("bad input names the flag with the exact message and writes nothing", func(t *testing.T) {
		base := []string{"tenant", "create", "--slug", "berlin", "--name", "Berlin"}
		tests := []struct {
			args []string
			want string
		}{
			{[]string{"--currency", "EURO"}, "--currency: Enter a currency as its three-letter ISO 4217 code, such as EUR or USD."},
			{[]string{"--starts-on", "2027-13-01"}, "--starts-on: Enter the date as YYYY-MM-DD."},
			{[]string{"--starts-on", "2027-06-02", "--ends-on", "2027-06-01"}, "--ends-on: The event's last day cannot be before its first day."},
			{[]string{"--owner-email", "not-an-email"}, "--owner-email: "},
			{[]string{"--template", "nope"}, "--template: There is no event with this slug to copy from."},
			{[]string{"--from", "nope"}, "--template: There is no event with this slug to copy from."},
			{[]string{"--closes-at", "soon"}, "--closes-at/--at: Enter the closing time as YYYY-MM-DDTHH:MM in UTC, or none."},
		}
		for _, tc := range tests {
			_, err := cli(t, vars, append(base, tc.args...)...)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || exitCode(err) != 2 {
				t.Errorf("%v: got %v, want %q", tc.args, err, tc.want)
			}
		}
		if _, err := database.TenantBySlug(ctx, "berlin"); err == nil {
			t.Fatal("a refused creation stored the event")
		}
	})

	out, err := cli(t, vars, "tenant", "create", "--slug", "berlin", "--name", "Berlin 2027", "--locales", "en,de", "--currency", "usd",
		"--starts-on", "2027-06-01", "--ends-on", "2027-06-03", "--closes-at", "2027-06-03T18:00", "--owner-email", "Owner@Example.com", "--template", "template")
	if err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	if !strings.Contains(out, "owner invitation for owner@example.com: https://console.example.com/invite/") {
		t.Errorf("no invitation link in %q", out)
	}
	berlin, err := database.TenantBySlug(ctx, "berlin")
	if err != nil {
		t.Fatal(err)
	}
	if cat, err := database.Catalogue(ctx, berlin.ID); err != nil || len(cat.Products) != 1 {
		t.Fatalf("--template: catalogue %+v, %v; want the template's product", cat, err)
	}
	t.Run("show prints the event as JSON", func(t *testing.T) {
		out, err := cli(t, vars, "tenant", "show", "berlin", "--json")
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			api.Event
			Domains []api.Domain `json:"domains"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got.Currency != "USD" || got.StartsOn != "2027-06-01" || got.EndsOn != "2027-06-03" || got.Status != "active" || len(got.Domains) != 0 ||
			got.ClosesAt != time.Date(2027, 6, 3, 18, 0, 0, 0, time.UTC).Format(time.RFC3339) {
			t.Fatalf("show: %+v", got)
		}
	})
	t.Run("state changes follow the rules with exact messages", func(t *testing.T) {
		steps := []struct {
			args     []string
			out, err string
		}{
			{[]string{"rename", "berlin", "--name", ""}, "", "--name: Enter the event's name."},
			{[]string{"rename", "berlin", "--name", "Berlin Summit"}, `renamed berlin to "Berlin Summit"`, ""},
			{[]string{"close", "berlin", "--at", "tomorrow"}, "", "--closes-at/--at: Enter the closing time as YYYY-MM-DDTHH:MM in UTC, or none."},
			{[]string{"close", "berlin"}, "", "--at: say when (YYYY-MM-DDTHH:MM in UTC), or none"},
			{[]string{"close", "berlin", "--at", "2027-06-04T12:30"}, "berlin stops taking orders at 2027-06-04 12:30 UTC", ""},
			{[]string{"close", "berlin", "--at", "none"}, "berlin closes only when it is archived", ""},
			{[]string{"suspend", "berlin"}, "berlin is now suspended", ""},
			{[]string{"resume", "berlin"}, "berlin is now active", ""},
			{[]string{"archive", "berlin"}, "berlin is now archived", ""},
			{[]string{"delete", "berlin"}, "", "--confirm: To delete the event, repeat its slug as the confirmation."},
			{[]string{"suspend", "nowhere"}, "", "There is no event with this slug."},
			{[]string{"suspend"}, "", "tenant suspend: say which event (its slug, see marquee tenant list)"},
		}
		for _, s := range steps {
			out, err := cli(t, vars, append([]string{"tenant"}, s.args...)...)
			switch {
			case s.err != "" && (err == nil || err.Error() != s.err):
				t.Errorf("%v: got %v, want the error %q", s.args, err, s.err)
			case s.err == "" && (err != nil || !strings.Contains(out, s.out)):
				t.Errorf("%v: got %v %q, want %q", s.args, err, out, s.out)
			}
		}
		got, _ := database.TenantBySlug(ctx, "berlin")
		if got == nil || got.Name != "Berlin Summit" || got.Status != "archived" {
			t.Fatalf("after the steps: %+v", got)
		}
	})
	t.Run("delete says what it deleted", func(t *testing.T) {
		out, err := cli(t, vars, "tenant", "delete", "berlin", "--confirm", "berlin")
		if err != nil || !strings.Contains(out, "deleted berlin") {
			t.Fatalf("delete: %v %q", err, out)
		}
		if _, err := database.TenantBySlug(ctx, "berlin"); err == nil {
			t.Fatal("the event is still there")
		}
	})
}

// TestDomainAndTokenCommands: domain add prints the records to create, a
// refused hostname is named as HOSTNAME (the rules are tenant/provision's
// TestCustomDomainRules), and API tokens name their scopes.
func TestDomainAndTokenCommands(t *testing.T) {
	d := dbtest.New(t)
	vars := map[string]string{"DATABASE_URL": d.OwnerURL, "BASE_DOMAIN": "example.com"}
	for _, slug := range []string{"devcon", "other"} {
		if _, err := cli(t, vars, "tenant", "create", "--slug", slug, "--name", slug); err != nil {
			t.Fatal(err)
		}
	}
	out, err := cli(t, vars, "domain", "add", "--event", "devcon", "Shop.DevCon.org")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"added shop.devcon.org to devcon (pending)", "TXT    _marquee-challenge.shop.devcon.org", "CNAME  shop.devcon.org", "edge.example.com"} {
		if !strings.Contains(out, want) {
			t.Errorf("add output lacks %q:\n%s", want, out)
		}
	}
	refusals := []struct {
		args []string
		want string
	}{
		{[]string{"add", "--event", "other", "shop.devcon.org"}, "HOSTNAME: This hostname already belongs to an event."},
		{[]string{"add", "--event", "other", "192.0.2.1"}, "HOSTNAME: Enter a hostname such as shop.example.org (not an IP address)."},
		{[]string{"add", "--event", "nowhere", "a.example.org"}, "There is no event with this slug."},
		{[]string{"add", "--event", "other"}, "HOSTNAME: say which hostname, e.g. shop.example.org"},
	}
	for _, r := range refusals {
		_, err := cli(t, vars, append([]string{"domain"}, r.args...)...)
		if err == nil || err.Error() != r.want {
			t.Errorf("%v: got %v, want %q", r.args, err, r.want)
		}
	}
	if n := countRows(t, d.AdminURL, "SELECT count(*) FROM domains"); n != 1 {
		t.Fatalf("%d domains, want 1", n)
	}

	if _, err := cli(t, vars, "token", "create", "--name", "ci", "--scopes", "events:read,events:all"); err == nil || err.Error() != `--scopes: "events:all" is not a scope (`+strings.Join(api.Scopes, ", ")+`)` {
		t.Errorf("bad scope: %v", err)
	}
	if _, err := cli(t, vars, "token", "create", "--scopes", "events:read"); err == nil || !strings.HasPrefix(err.Error(), "--name:") {
		t.Errorf("no name: %v", err)
	}
	out, err = cli(t, vars, "token", "create", "--name", "ci", "--scopes", "events:read")
	if err != nil || !strings.Contains(out, "Authorization: Bearer mq_") {
		t.Fatalf("create token: %v %q", err, out)
	}
	if n := countRows(t, d.AdminURL, "SELECT count(*) FROM api_tokens WHERE name = 'ci'"); n != 1 {
		t.Fatalf("%d tokens", n)
	}
	if _, err := cli(t, vars, "token", "create", "--name", "crm", "--scopes", "orders:read", "--event", "nowhere"); err == nil ||
		err.Error() != `--event: no event "nowhere" (see marquee tenant list)` {
		t.Errorf("unknown event: %v", err)
	}
	out, err = cli(t, vars, "token", "create", "--name", "crm", "--scopes", "orders:read,catalogue:write", "--event", "other")
	if err != nil || !strings.Contains(out, "for event other only") {
		t.Fatalf("create event token: %v %q", err, out)
	}
	if n := countRows(t, d.AdminURL, "SELECT count(*) FROM api_tokens t JOIN tenants e ON e.id = t.tenant_id WHERE t.name = 'crm' AND e.slug = 'other'"); n != 1 {
		t.Fatalf("%d event tokens", n)
	}
}

// countRows runs a count query as a superuser (past row-level security).
func countRows(t *testing.T, url, query string, args ...any) int {
	t.Helper()
	return dbtest.CountRows(t, url, query, args...)
}
