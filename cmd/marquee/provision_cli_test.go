package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant/api"
)

// TestSlugRulesFromTheCLI gives each slug rule its own exact message, named
// after the flag, and writes nothing.
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
		{"ab", "--slug: The subdomain must be at least 3 characters long."},
		{strings.Repeat("a", 64), "--slug: The subdomain can be at most 63 characters long."},
		{"Berlin", "--slug: Use only lowercase letters (a–z), digits and hyphens."},
		{"ber_lin", "--slug: Use only lowercase letters (a–z), digits and hyphens."},
		{"-berlin", "--slug: The subdomain cannot start or end with a hyphen."},
		{"berlin-", "--slug: The subdomain cannot start or end with a hyphen."},
		{"ab--cd", "--slug: The subdomain cannot have two hyphens in the third and fourth place."},
		{"www", "--slug: This subdomain is reserved for the platform. Choose another."},
		{"console", "--slug: This subdomain is reserved for the platform. Choose another."},
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
// resumed, archived and deleted, each refusal with its exact text.
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
	if err := database.AddFormField(ctx, tpl.ID, form.Field{Key: "team", Scope: form.ScopeCustomer, Type: form.TypeText, Label: map[string]string{"en": "Team"}}); err != nil {
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
	t.Run("the template's products, stock and form are copied", func(t *testing.T) {
		cat, err := database.Catalogue(ctx, berlin.ID)
		if err != nil || len(cat.Products) != 1 || cat.Products[0].Name["en"] != "Hoodie" || *cat.Products[0].Variants[0].Stock != 7 {
			t.Fatalf("catalogue %+v, %v", cat, err)
		}
		tplCat, _ := database.Catalogue(ctx, tpl.ID)
		if cat.Products[0].ID == tplCat.Products[0].ID {
			t.Fatal("the copy shares the template's product id")
		}
		fields, _ := database.FormFields(ctx, berlin.ID)
		if len(fields) != 1 || fields[0].Key != "team" {
			t.Fatalf("fields %+v", fields)
		}
		b, _ := database.PublishedBranding(ctx, berlin.ID)
		if b.Copy["en"].Title != "Berlin 2027" {
			t.Fatalf("title %q, want the new event's name", b.Copy["en"].Title)
		}
	})
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
			{[]string{"resume", "berlin"}, "", "The event is already active."},
			{[]string{"suspend", "berlin"}, "berlin is now suspended", ""},
			{[]string{"suspend", "berlin"}, "", "Only an active event can be suspended."},
			{[]string{"resume", "berlin"}, "berlin is now active", ""},
			{[]string{"delete", "berlin", "--confirm", "berlin"}, "", "Only an archived event can be deleted. Archive it first."},
			{[]string{"archive", "berlin"}, "berlin is now archived", ""},
			{[]string{"archive", "berlin"}, "", "The event is already archived."},
			{[]string{"delete", "berlin"}, "", "--confirm: To delete the event, repeat its slug as the confirmation."},
			{[]string{"delete", "berlin", "--confirm", "berlinn"}, "", "--confirm: To delete the event, repeat its slug as the confirmation."},
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
	t.Run("deleting an archived event takes its data with it", func(t *testing.T) {
		// An order with personal data, written directly (the storefront of
		// an archived event answers 410 before any order).
		cat, _ := database.Catalogue(ctx, berlin.ID)
		if _, err := database.PlaceOrder(ctx, berlin.ID, orderForProduct(cat, "Hoodie")); err != nil {
			t.Fatal(err)
		}
		out, err := cli(t, vars, "tenant", "delete", "berlin", "--confirm", "berlin")
		if err != nil || !strings.Contains(out, "deleted berlin") {
			t.Fatalf("delete: %v %q", err, out)
		}
		if _, err := database.TenantBySlug(ctx, "berlin"); err == nil {
			t.Fatal("the event is still there")
		}
		for _, table := range []string{"products", "orders", "order_items", "form_fields", "brandings", "staff_tokens"} {
			if n := countRows(t, d.AdminURL, "SELECT count(*) FROM "+table+" WHERE tenant_id = $1", berlin.ID); n != 0 {
				t.Errorf("%d rows left in %s", n, table)
			}
		}
		// The slug is free again once the event is gone.
		if _, err := cli(t, vars, "tenant", "create", "--slug", "berlin", "--name", "Berlin again"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDomainAndTokenCommands: custom hostnames are checked (platform
// names, IPs, one event per name) and API tokens name their scopes.
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
		{[]string{"add", "--event", "other", "console.example.com"}, "HOSTNAME: This hostname belongs to the platform and cannot be added to an event."},
		{[]string{"add", "--event", "other", "example.com"}, "HOSTNAME: This hostname belongs to the platform and cannot be added to an event."},
		{[]string{"add", "--event", "other", "192.0.2.1"}, "HOSTNAME: Enter a hostname such as shop.example.org (not an IP address)."},
		{[]string{"add", "--event", "other", "localhost"}, "HOSTNAME: Enter a hostname such as shop.example.org (not an IP address)."},
		{[]string{"add", "--event", "nowhere", "a.example.org"}, "There is no event with this slug."},
		{[]string{"add", "--event", "other"}, "HOSTNAME: say which hostname, e.g. shop.example.org"},
		{[]string{"verify", "--event", "other", "shop.devcon.org"}, "This page does not exist."},
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

	if _, err := cli(t, vars, "token", "create", "--name", "ci", "--scopes", "events:read,events:all"); err == nil || err.Error() != `--scopes: "events:all" is not a scope (events:read, events:write, domains:write)` {
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
}

// countRows runs a count query as a superuser (past row-level security).
func countRows(t *testing.T, url, query string, args ...any) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
