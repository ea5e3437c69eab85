package provision_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"marquee/tenant"
	"marquee/tenant/domains/dnstest"
	"marquee/tenant/provision"
	"marquee/tenant/web/webtest"
)

// TestCustomDomainRules: a hostname is checked (platform names, IPs, one
// event per name), and another event's hostname can be neither verified
// nor removed through an event it is not on.
func TestCustomDomainRules(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	f.create(t, "devcon")
	f.create(t, "other")
	d, records, err := f.svc.AddDomain(ctx, "devcon", " Shop.DevCon.org ")
	if err != nil || d.Hostname != "shop.devcon.org" || d.State != tenant.DomainPending {
		t.Fatalf("add: %+v, %v", d, err)
	}
	var shown []string
	for _, r := range records {
		shown = append(shown, r.Type+" "+r.Name+" "+r.Value)
	}
	if want := []string{"TXT _marquee-challenge.shop.devcon.org " + d.Token, "CNAME shop.devcon.org edge.example.com"}; strings.Join(shown, "|") != strings.Join(want, "|") {
		t.Errorf("records %q, want %q", shown, want)
	}
	refusals := []struct {
		slug, hostname, field, want string
	}{
		{"other", "shop.devcon.org", "hostname", "This hostname already belongs to an event."},
		{"other", "console.example.com", "hostname", "This hostname belongs to the platform and cannot be added to an event."},
		{"other", "example.com", "hostname", "This hostname belongs to the platform and cannot be added to an event."},
		{"other", "192.0.2.1", "hostname", "Enter a hostname such as shop.example.org (not an IP address)."},
		{"other", "localhost", "hostname", "Enter a hostname such as shop.example.org (not an IP address)."},
		{"other", "devcon.org", "hostname", english("domain.apex_unsupported")},
		{"nowhere", "a.example.org", "", "There is no event with this slug."},
	}
	for _, r := range refusals {
		_, _, err := f.svc.AddDomain(ctx, r.slug, r.hostname)
		wantRefusal(t, r.slug+" adds "+r.hostname, err, r.field, r.want)
	}
	t.Run("another event's hostname is not found through this one", func(t *testing.T) {
		_, err := f.svc.VerifyDomain(ctx, "other", "shop.devcon.org")
		wantRefusal(t, "verify", err, "", "This page does not exist.")
		wantRefusal(t, "remove", f.svc.RemoveDomain(ctx, "other", "shop.devcon.org"), "", "This page does not exist.")
		if doms, err := f.svc.Domains(ctx, "other"); err != nil || len(doms) != 0 {
			t.Errorf("other's domains %+v, %v", doms, err)
		}
	})
	if n := f.count(t, "SELECT count(*) FROM domains"); n != 1 {
		t.Fatalf("%d domains, want 1", n)
	}
	t.Run("a DNS server that does not answer is a failed check, not a verification", func(t *testing.T) {
		d, err := f.svc.VerifyDomain(ctx, "devcon", "shop.devcon.org")
		if err != nil || d.State != tenant.DomainFailed || d.LastError == "" {
			t.Fatalf("%+v, %v", d, err)
		}
	})
	t.Run("its own event removes it", func(t *testing.T) {
		if err := f.svc.RemoveDomain(ctx, "devcon", "shop.devcon.org"); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "SELECT count(*) FROM domains"); n != 0 {
			t.Fatalf("%d domains left", n)
		}
	})
}

// syncBuffer is a log destination the re-check loop's goroutine writes to
// while the test reads it.
type syncBuffer = webtest.Log

// TestKeepDomainsChecked: the platform's loop re-checks a verified domain
// whose check is older than DomainRecheckAfter, each tick, flags it when
// it stopped pointing at the platform, logs the round, and stops with its
// context.
func TestKeepDomainsChecked(t *testing.T) {
	zone := dnstest.Start(t, "")
	f := newFixture(t, zone.Addr)
	ctx := context.Background()
	f.create(t, "devcon")
	d, _, err := f.svc.AddDomain(ctx, "devcon", "shop.devcon.org")
	if err != nil {
		t.Fatal(err)
	}
	zone.Set(t, `_marquee-challenge.shop.devcon.org. 60 IN TXT "`+d.Token+`"
shop.devcon.org. 60 IN CNAME edge.example.com.`)
	if d, err = f.svc.VerifyDomain(ctx, "devcon", "shop.devcon.org"); err != nil || d.State != tenant.DomainVerified {
		t.Fatalf("verify: %+v, %v", d, err)
	}
	zone.Set(t, `shop.devcon.org. 60 IN A 192.0.2.9`)
	state := func() tenant.Domain {
		got, err := f.db.Domain(ctx, d.TenantID, d.Hostname)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	var logs syncBuffer
	loopCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.svc.KeepDomainsChecked(loopCtx, slog.New(slog.NewTextHandler(&logs, nil)), 20*time.Millisecond)
	}()
	time.Sleep(200 * time.Millisecond)
	if got := state(); got.State != tenant.DomainVerified {
		t.Fatalf("a domain checked just now was re-checked: %s %q", got.State, got.LastError)
	}
	f.exec(t, "UPDATE domains SET checked_at = now() - $1::interval", "6 hours 1 minute")
	deadline := time.Now().Add(5 * time.Second)
	for state().State != tenant.DomainFailed {
		if time.Now().After(deadline) {
			t.Fatalf("a domain not checked for over %v was not re-checked: %+v", provision.DomainRecheckAfter, state())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := state(); got.LastError != "domain.not_pointing" {
		t.Errorf("last error %q, want domain.not_pointing", got.LastError)
	}
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not stop with its context")
	}
	if !strings.Contains(logs.String(), `msg="domain recheck" checked=1`) {
		t.Errorf("no round logged: %s", logs.String())
	}
}
