package api

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/domains"
	"marquee/tenant/domains/dnstest"
	"marquee/tenant/provision"
)

// TestCustomDomainVerification runs a custom domain through the API
// against a real DNS server: refused before verification, served after;
// a re-check flags a domain that stopped pointing at the platform.
func TestCustomDomainVerification(t *testing.T) {
	zone := dnstest.Start(t, "")
	s := startServerWith(t, func(p *provision.Service) { p.Verifier = domains.NewVerifier(zone.Addr, domains.DefaultTimeout) })
	ctx := context.Background()
	s.event("devcon")
	token, _, err := s.db.CreateAPIToken(ctx, "ops", []string{"events:read", "domains:write"})
	if err != nil {
		t.Fatal(err)
	}
	r := s.api(http.MethodPost, "/api/v1/events/devcon/domains", token, `{"hostname": "shop.devcon.org"}`)
	if r.status != 201 {
		t.Fatalf("add: %d %v", r.status, r.body)
	}
	d, err := s.db.Domain(ctx, s.tenantID("devcon"), "shop.devcon.org")
	if err != nil {
		t.Fatal(err)
	}
	verify := func() (state, lastError string) {
		r := s.api(http.MethodPost, "/api/v1/events/devcon/domains/shop.devcon.org/verify", token, "")
		dom, _ := r.body["domain"].(map[string]any)
		st, _ := dom["state"].(string)
		le, _ := dom["last_error"].(string)
		return st, le
	}

	if st, le := verify(); st != "failed" || le != "The TXT record _marquee-challenge was not found." {
		t.Fatalf("no records: %s %q", st, le)
	}
	zone.Set(t, `_marquee-challenge.shop.devcon.org. 60 IN TXT "wrong"
shop.devcon.org. 60 IN CNAME edge.`+testBase+`.`)
	if st, le := verify(); st != "failed" || le != "The TXT record _marquee-challenge does not hold this domain's token." {
		t.Fatalf("wrong token: %s %q", st, le)
	}
	zone.Set(t, `_marquee-challenge.shop.devcon.org. 60 IN TXT "`+d.Token+`"
shop.devcon.org. 60 IN CNAME elsewhere.example.net.
elsewhere.example.net. 60 IN A 192.0.2.9`)
	if st, le := verify(); st != "failed" || le != "The hostname points somewhere else, not at the platform." {
		t.Fatalf("pointing elsewhere: %s %q", st, le)
	}
	if got := s.get("shop.devcon.org", "/").status; got != 404 {
		t.Fatalf("an unverified domain answers %d, want 404", got)
	}

	good := `_marquee-challenge.shop.devcon.org. 60 IN TXT "` + d.Token + `"
shop.devcon.org. 60 IN CNAME edge.` + testBase + `.`
	zone.Set(t, good)
	if st, le := verify(); st != "verified" || le != "" {
		t.Fatalf("good records: %s %q", st, le)
	}
	waitFor(t, time.Second, func() bool { return s.get("shop.devcon.org", "/").status == 200 })

	t.Run("a re-check flags a domain that stopped pointing at the platform, and clears it", func(t *testing.T) {
		zone.Set(t, `shop.devcon.org. 60 IN A 192.0.2.9`)
		later := time.Now().Add(recheckEvery + time.Minute)
		if n, err := s.provision.Recheck(ctx, later, recheckEvery, 100); err != nil || n != 1 {
			t.Fatalf("recheck: %d, %v", n, err)
		}
		d, _ := s.db.Domain(ctx, d.TenantID, d.Hostname)
		if d.State != tenant.DomainFailed || d.LastError != "domain.not_pointing" {
			t.Fatalf("after it stopped pointing: %s %q", d.State, d.LastError)
		}
		// Flagged, not unplugged: the shop keeps answering while ops look.
		if got := s.get("shop.devcon.org", "/").status; got != 200 {
			t.Fatalf("a flagged domain answers %d", got)
		}
		if n, _ := s.provision.Recheck(ctx, time.Now(), recheckEvery, 100); n != 0 {
			t.Fatalf("a just-checked domain was checked again (%d)", n)
		}
		zone.Set(t, good)
		if n, err := s.provision.Recheck(ctx, later, recheckEvery, 100); err != nil || n != 1 {
			t.Fatalf("second recheck: %d, %v", n, err)
		}
		if d, _ := s.db.Domain(ctx, d.TenantID, d.Hostname); d.State != tenant.DomainVerified || d.LastError != "" {
			t.Fatalf("after it pointed again: %s %q", d.State, d.LastError)
		}
	})
	t.Run("a hostname belongs to one event only", func(t *testing.T) {
		s.event("other")
		r := s.api(http.MethodPost, "/api/v1/events/other/domains", token, `{"hostname": "shop.devcon.org"}`)
		if r.status != 409 || r.errorMessage() != "This hostname already belongs to an event." {
			t.Fatalf("taken: %d %q", r.status, r.errorMessage())
		}
		if r := s.api(http.MethodPost, "/api/v1/events/other/domains/shop.devcon.org/verify", token, ""); r.status != 404 {
			t.Fatalf("verifying another event's domain: %d", r.status)
		}
	})
}

// recheckEvery is how old a verified domain's check gets before serve
// checks it again.
const recheckEvery = provision.DomainRecheckAfter

func (s *testServer) tenantID(slug string) (id [16]byte) {
	s.t.Helper()
	return dbtest.EventID(s.t, s.db, slug)
}

// TestApexAndWWW: an apex needs the platform's addresses (no CNAME at a
// zone's apex); with DOMAIN_IPS configured an event can have both the apex
// and www, the apex verified through its A record.
func TestApexAndWWW(t *testing.T) {
	t.Run("without the platform's addresses an apex is refused", func(t *testing.T) {
		s := startServer(t)
		s.event("devcon")
		token, _, _ := s.db.CreateAPIToken(context.Background(), "ops", []string{"domains:write"})
		r := s.api(http.MethodPost, "/api/v1/events/devcon/domains", token, `{"hostname": "devcon.org"}`)
		if r.status != 422 || r.errorField() != "hostname" || !strings.Contains(r.errorMessage(), "Use a name such as www.acme.org") {
			t.Fatalf("apex: %d %q", r.status, r.errorMessage())
		}
		if got := countRows(t, s.adminURL, "SELECT count(*) FROM domains"); got != 0 {
			t.Fatalf("%d domains stored", got)
		}
	})
	t.Run("with them, the apex and www both attach and verify", func(t *testing.T) {
		zone := dnstest.Start(t, "")
		s := startServerWith(t, func(p *provision.Service) {
			p.Verifier = domains.NewVerifier(zone.Addr, domains.DefaultTimeout)
			p.Target.IPs = []netip.Addr{netip.MustParseAddr("192.0.2.10")}
		})
		ev := s.event("devcon")
		token, _, _ := s.db.CreateAPIToken(context.Background(), "ops", []string{"domains:write", "events:read"})
		apex := s.api(http.MethodPost, "/api/v1/events/devcon/domains", token, `{"hostname": "devcon.org"}`)
		www := s.api(http.MethodPost, "/api/v1/events/devcon/domains", token, `{"hostname": "www.devcon.org"}`)
		if apex.status != 201 || www.status != 201 {
			t.Fatalf("add: %d %d", apex.status, www.status)
		}
		if got := toJSON(apex.body["domain"].(map[string]any)["records"]); !strings.Contains(got, `"name":"devcon.org","type":"A","value":"192.0.2.10"`) || strings.Contains(got, "CNAME") {
			t.Errorf("apex records %s", got)
		}
		if got := toJSON(www.body["domain"].(map[string]any)["records"]); !strings.Contains(got, `"name":"www.devcon.org","type":"CNAME","value":"edge.`+testBase+`"`) {
			t.Errorf("www records %s", got)
		}
		ctx := context.Background()
		a, _ := s.db.Domain(ctx, ev.ID, "devcon.org")
		w, _ := s.db.Domain(ctx, ev.ID, "www.devcon.org")
		zone.Set(t, `_marquee-challenge.devcon.org. 60 IN TXT "`+a.Token+`"
devcon.org. 60 IN A 192.0.2.10
_marquee-challenge.www.devcon.org. 60 IN TXT "`+w.Token+`"
www.devcon.org. 60 IN CNAME edge.`+testBase+`.`)
		for _, host := range []string{"devcon.org", "www.devcon.org"} {
			r := s.api(http.MethodPost, "/api/v1/events/devcon/domains/"+host+"/verify", token, "")
			if st := r.body["domain"].(map[string]any)["state"]; st != "verified" {
				t.Fatalf("%s: %v", host, r.body)
			}
		}
		for _, host := range []string{"devcon.org", "www.devcon.org"} {
			waitFor(t, time.Second, func() bool { return s.get(host, "/").status == 200 })
		}
	})
}
