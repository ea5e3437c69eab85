package storefront_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
)

func TestSupplierLinksAreBoundToEventSupplierOrderAndExpiry(t *testing.T) {
	links := storefront.SupplierLinks{Key: []byte(strings.Repeat("k", 32))}
	ev, other := uuid.New(), uuid.New()
	g := storefront.SupplierGrant{SupplierID: uuid.New(), Order: "K7M3-Q9XZ", Expires: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
	path := links.Path(ev, g)
	u, err := url.Parse(path)
	if err != nil || u.Path != "/supplier/"+g.SupplierID.String() {
		t.Fatalf("path %q", path)
	}
	q := u.Query()
	read := func(tenantID uuid.UUID, supplier, order, exp, sig string) bool {
		_, ok := links.Grant(tenantID, supplier, order, exp, sig)
		return ok
	}
	id, order, exp, sig := g.SupplierID.String(), q.Get("order"), q.Get("exp"), q.Get("sig")
	if got, ok := links.Grant(ev, id, order, exp, sig); !ok || got != g {
		t.Fatalf("the link's own grant: %+v %v", got, ok)
	}
	tampered := []byte(sig)
	tampered[3] ^= 1
	refused := map[string]bool{
		"another event":    read(other, id, order, exp, sig),
		"another supplier": read(ev, uuid.New().String(), order, exp, sig),
		"another order":    read(ev, id, "AAAA-BBBB", exp, sig),
		"the list's scope": read(ev, id, "", exp, sig),
		"a later expiry":   read(ev, id, order, "1900000000", sig),
		"an expiry as +n":  read(ev, id, order, "+"+exp, sig),
		"a tampered sig":   read(ev, id, order, exp, string(tampered)),
		"no sig":           read(ev, id, order, exp, ""),
		"the order link's": read(ev, id, order, exp, storefront.OrderLinks(links).Sign(ev, order)),
		"an upper-case id": read(ev, strings.ToUpper(id), order, exp, sig),
		"another key":      storefront.SupplierLinks{Key: []byte(strings.Repeat("x", 32))}.Verify(ev, g, sig),
	}
	for name, ok := range refused {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSupplierLinksExpireWithTheRetentionPeriod(t *testing.T) {
	closes := time.Date(2027, 1, 10, 18, 0, 0, 0, time.UTC)
	s := storefront.Settings{ClosesAt: &closes, RetentionDays: 30}
	sent := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	exp := storefront.SupplierLinkExpiry(s, sent)
	if want := closes.AddDate(0, 0, 30); !exp.Equal(want) {
		t.Fatalf("expiry %v, want %v", exp, want)
	}
	g := storefront.SupplierGrant{Expires: exp}
	if !g.Valid(s, exp.Add(-time.Second)) || g.Valid(s, exp) {
		t.Fatal("valid until its expiry, not at it")
	}
	shorter := s
	shorter.RetentionDays = 7
	if g.Valid(shorter, closes.AddDate(0, 0, 8)) {
		t.Fatal("a shortened retention period ends the link too")
	}
	if exp := storefront.SupplierLinkExpiry(storefront.Settings{}, sent); !exp.Equal(sent.Add(storefront.SupplierLinkLifetime)) {
		t.Fatalf("without an end: %v", exp)
	}
}
