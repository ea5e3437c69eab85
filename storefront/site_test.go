package storefront

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"marquee/tenant"
)

// oneSizeSite is a Site selling one variant with stock units.
func oneSizeSite(stock int) (*Site, uuid.UUID) {
	v := Variant{ID: uuid.New(), Stock: &stock}
	c := SiteContent{Catalogue: Catalogue{Products: []Product{{ID: uuid.New(), Visible: true, Variants: []Variant{v}}}}}
	return NewSite(&tenant.Tenant{ID: uuid.New()}, c), v.ID
}

// TestSitePages: a page is rendered once per key and served from the Site
// after; a sold-out flip drops every page, the one the last views found
// too; a render begun before a flip is served but not kept; Kept keeps at
// most maxKept values.
func TestSitePages(t *testing.T) {
	site, variant := oneSizeSite(5)
	renders := 0
	render := func() ([]byte, error) {
		renders++
		return fmt.Appendf(nil, "render %d, sold out %v", renders, site.VariantSoldOut(site.Catalogue.Products[0].Variants[0])), nil
	}
	landing := PageKey{Page: "landing", Lang: "en"}
	page := func(key PageKey) string {
		b, err := site.Page(key, render)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for range 3 {
		if got := page(landing); got != "render 1, sold out false" {
			t.Fatalf("landing page %q, want the first render", got)
		}
	}
	if got := page(PageKey{Page: "landing", Lang: "de"}); got != "render 2, sold out false" {
		t.Fatalf("German landing page %q, want its own render", got)
	}
	if got := page(landing); got != "render 1, sold out false" {
		t.Fatalf("landing page again %q", got)
	}
	zero := 0
	if !site.SetStock(variant, &zero) {
		t.Fatal("selling the last unit flipped nothing")
	}
	if got := page(landing); got != "render 3, sold out true" {
		t.Fatalf("landing page after the flip %q, want a new render showing it sold out", got)
	}
	one := 1
	flipDuring := func() ([]byte, error) {
		site.SetStock(variant, &one) // back in stock while this render runs
		return []byte("rendered before the flip"), nil
	}
	key := PageKey{Page: "product", Item: variant, Lang: "en"}
	if b, _ := site.Page(key, flipDuring); string(b) != "rendered before the flip" {
		t.Fatalf("page %q", b)
	}
	if got := page(key); got != "render 4, sold out false" {
		t.Fatalf("page after a flip during its render %q, want a new render", got)
	}

	made := 0
	for i := range maxKept + 10 {
		v, err := site.Kept(landing, fmt.Sprintf("https://shop.test:%d", i), func() (any, error) { made++; return made, nil })
		if err != nil || v != made {
			t.Fatalf("Kept %d: %v, %v", i, v, err)
		}
	}
	// Every kept value is found again, whether the Site held it in its
	// first few entries (searched in order) or past them (indexed).
	before := made
	for i := range maxKept {
		v, _ := site.Kept(landing, fmt.Sprintf("https://shop.test:%d", i), func() (any, error) { made++; return made, nil })
		if v != i+1 {
			t.Fatalf("Kept %d again: %v, want %d", i, v, i+1)
		}
	}
	if made != before {
		t.Fatalf("looking the kept values up again made %d new ones", made-before)
	}
	v, _ := site.Kept(landing, "https://shop.test:0", func() (any, error) { made++; return made, nil })
	w, _ := site.Kept(landing, fmt.Sprintf("https://shop.test:%d", maxKept+5), func() (any, error) { made++; return made, nil })
	if v != 1 || w != made || made != maxKept+11 {
		t.Fatalf("Kept: the first origin's value %v (want 1), one past the bound %v made again (made %d)", v, w, made)
	}
}

// BenchmarkSiteKept: a kept page's lookup, the same page view after view
// (the last entry's key compared) and two pages in turn (the entries
// searched).
func BenchmarkSiteKept(b *testing.B) {
	site, _ := oneSizeSite(5)
	keys := []PageKey{{Page: "landing", Lang: "en"}, {Page: "landing", Lang: "de"}}
	origin := "https://ev0421.bench.test"
	for _, k := range keys {
		_, _ = site.Kept(k, origin, func() (any, error) { return 1, nil })
	}
	make := func() (any, error) { b.Fatal("made again"); return nil, nil }
	b.Run("same page", func(b *testing.B) {
		for b.Loop() {
			_, _ = site.Kept(keys[0], origin, make)
		}
	})
	b.Run("two in turn", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			_, _ = site.Kept(keys[i&1], origin, make)
		}
	})
}

// TestSiteLang: an Accept-Language header is negotiated once and its answer
// kept; past maxLangs headers, new ones are negotiated on every call.
func TestSiteLang(t *testing.T) {
	site, _ := oneSizeSite(1)
	calls := map[string]int{}
	negotiate := func(header string) string { calls[header]++; return "lang of " + header }
	for range 3 {
		if got := site.Lang([]byte("de-DE,de;q=0.9"), negotiate); got != "lang of de-DE,de;q=0.9" {
			t.Fatalf("Lang %q", got)
		}
	}
	if got := site.Lang(nil, negotiate); got != "lang of " {
		t.Fatalf("Lang without a header %q", got)
	}
	if calls["de-DE,de;q=0.9"] != 1 {
		t.Fatalf("negotiated %d times, want once", calls["de-DE,de;q=0.9"])
	}
	for i := range maxLangs + 5 {
		site.Lang(fmt.Appendf(nil, "x-%d", i), negotiate)
	}
	past := fmt.Sprintf("x-%d", maxLangs+2)
	site.Lang([]byte(past), negotiate)
	if calls[past] != 2 || calls["x-0"] != 1 {
		t.Fatalf("past the bound: %d calls for %s (want 2), %d for x-0 (want 1)", calls[past], past, calls["x-0"])
	}
}
