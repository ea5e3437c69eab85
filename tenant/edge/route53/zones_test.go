package route53

import (
	"context"
	"strings"
	"testing"

	"github.com/libdns/libdns"
)

func TestHostedZoneLookup(t *testing.T) {
	cases := []struct {
		rule     string
		zone     string
		name     string
		wantZone string
		wantFQDN string
	}{
		{"a name under the subzone goes to the longest suffix", "shop.test.", "_acme-challenge", "ZSHOP", "_acme-challenge.shop.test."},
		{"a parent zone given by the caller still finds the subzone", "test.", "_acme-challenge.shop", "ZSHOP", "_acme-challenge.shop.test."},
		{"a name outside the subzone goes to the parent", "test.", "_acme-challenge.other", "ZTEST", "_acme-challenge.other.test."},
		{"@ is the zone apex, and the trailing dot is optional", "Shop.Test", "@", "ZSHOP", "shop.test."},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			f := newFakeRoute53(
				fakeZone{id: "ZTEST", name: "test."},
				fakeZone{id: "Z0PRIVATE", name: "shop.test.", private: true},
				fakeZone{id: "ZSHOP", name: "shop.test."},
			)
			p := newTestProvider(t, f, "")
			rec := []libdns.Record{libdns.TXT{Name: c.name, Text: "token"}}
			if _, err := p.AppendRecords(context.Background(), c.zone, rec); err != nil {
				t.Fatal(err)
			}
			if _, ok := f.set(c.wantZone, c.wantFQDN, "TXT"); !ok {
				t.Errorf("no TXT %s in hosted zone %s", c.wantFQDN, c.wantZone)
			}
		})
	}

	t.Run("the zone of a name is looked up once", func(t *testing.T) {
		f := newFakeRoute53(fakeZone{id: "ZTEST", name: "test."}, fakeZone{id: "ZSHOP", name: "shop.test."})
		p := newTestProvider(t, f, "")
		ctx := context.Background()
		rec := []libdns.Record{libdns.TXT{Name: "_acme-challenge", Text: "token"}}
		if _, err := p.AppendRecords(ctx, "shop.test.", rec); err != nil {
			t.Fatal(err)
		}
		lookups := f.callCount("ListHostedZonesByName")
		if _, err := p.DeleteRecords(ctx, "shop.test.", rec); err != nil {
			t.Fatal(err)
		}
		if n := f.callCount("ListHostedZonesByName"); n != lookups {
			t.Errorf("ListHostedZonesByName called %d times, want %d", n, lookups)
		}
	})

	t.Run("a name no public hosted zone holds is an error", func(t *testing.T) {
		f := newFakeRoute53(fakeZone{id: "Z0PRIVATE", name: "shop.test.", private: true})
		p := newTestProvider(t, f, "")
		rec := []libdns.Record{libdns.TXT{Name: "_acme-challenge", Text: "token"}}
		_, err := p.AppendRecords(context.Background(), "shop.test.", rec)
		if err == nil || !strings.Contains(err.Error(), "no public hosted zone holds _acme-challenge.shop.test.") {
			t.Errorf("got %v, want no public hosted zone", err)
		}
	})
}
