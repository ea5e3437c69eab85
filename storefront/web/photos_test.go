package web

import (
	"net/http"
	"strings"
	"testing"

	"marquee/branding"
	"marquee/branding/media"
	"marquee/storefront"
)

func TestProductPhotosAndPlaceholders(t *testing.T) {
	s := newStorefrontApp(t)
	ev := s.welcomeEventIn("photos", "active", branding.Colours{Primary: "#0f766e", Accent: "#f97316", Background: "#fffbeb", Text: "#1c1917"})
	other := s.welcomeEvent("elsewhere")
	key := media.Key(ev.ID, strings.Repeat("ab", 32), media.Rendition{Width: 640, ContentType: "image/png"})
	shirt := s.product(ev, storefront.Product{Name: storefront.Text{"en": "T-shirt"}, ImageKey: key})
	mug := s.product(ev, storefront.Product{Name: storefront.Text{"en": "ärmel mug"}})
	hidden := s.product(ev, storefront.Product{Name: storefront.Text{"en": "Secret"}})
	if err := s.db.SetProductVisible(t.Context(), ev.ID, hidden.ID, false); err != nil {
		t.Fatal(err)
	}
	s.changed(ev.ID)
	elsewhere := s.product(other, storefront.Product{Name: storefront.Text{"en": "Cap"}})
	v := s.visitor("photos." + testBase)
	landing := v.get("/")
	card := func(id string) (src, alt, class string) {
		img := landing.doc.Find(`ul.products a[href="/products/` + id + `"] img`)
		src, _ = img.Attr("src")
		alt, hasAlt := img.Attr("alt")
		if !hasAlt {
			alt = "(none)"
		}
		class, _ = img.Attr("class")
		return src, alt, class
	}

	t.Run("a product with a photo shows it; its card names it beside, so alt is empty", func(t *testing.T) {
		src, alt, class := card(shirt.ID.String())
		if src != "/media/"+key || alt != "" || strings.Contains(class, "placeholder") {
			t.Errorf("src %q alt %q class %q", src, alt, class)
		}
	})
	t.Run("a product without one shows its placeholder, decorative", func(t *testing.T) {
		src, alt, class := card(mug.ID.String())
		if src != "/products/"+mug.ID.String()+"/placeholder.svg" || alt != "" || class != "placeholder" {
			t.Errorf("src %q alt %q class %q", src, alt, class)
		}
	})
	t.Run("the product page's photo is described, the placeholder is not", func(t *testing.T) {
		if alt, _ := v.get("/products/" + shirt.ID.String()).doc.Find("img.product-photo").Attr("alt"); alt != "Photo of the T-shirt" {
			t.Errorf("photo alt %q", alt)
		}
		img := v.get("/products/" + mug.ID.String()).doc.Find("img.product-photo")
		if alt, ok := img.Attr("alt"); !ok || alt != "" {
			t.Errorf("placeholder alt %q (present %v)", alt, ok)
		}
	})
	t.Run("the placeholder is the initial on the event's primary colour", func(t *testing.T) {
		p := v.get("/products/" + mug.ID.String() + "/placeholder.svg")
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("status %d, type %q", p.status, p.header.Get("Content-Type"))
		}
		for _, want := range []string{`fill="#0f766e"`, `fill="#f97316"`, ">Ä</text>"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("placeholder lacks %s: %s", want, p.body)
			}
		}
	})
	t.Run("another event's product, a hidden one and no product have no placeholder here", func(t *testing.T) {
		for _, id := range []string{elsewhere.ID.String(), hidden.ID.String(), "not-a-uuid", "00000000-0000-0000-0000-000000000000"} {
			if p := v.get("/products/" + id + "/placeholder.svg"); p.status != http.StatusNotFound || strings.Contains(p.body, "<svg") {
				t.Errorf("%s: status %d", id, p.status)
			}
		}
		if p := s.visitor("elsewhere." + testBase).get("/products/" + mug.ID.String() + "/placeholder.svg"); p.status != http.StatusNotFound {
			t.Errorf("photos' product on elsewhere's host: %d", p.status)
		}
	})
	t.Run("a sold-out size is struck through and cannot be chosen; the page says what striking means", func(t *testing.T) {
		zero := 0
		tee := s.product(ev, storefront.Product{Name: storefront.Text{"en": "Tee"}, Variants: []storefront.Variant{
			{Label: storefront.Text{"en": "S"}, Stock: &zero}, {Label: storefront.Text{"en": "M"}, Position: 1}}})
		s.changed(ev.ID)
		p := v.get("/products/" + tee.ID.String())
		sold := p.doc.Find("fieldset.sizes .size:has(input:disabled)")
		if sold.Length() != 1 || !strings.Contains(sold.Find("label").Text(), "S · Sold out") {
			t.Errorf("sold-out sizes %d: %q", sold.Length(), sold.Text())
		}
		if p.doc.Find(`fieldset.sizes input:checked`).Length() != 1 || p.text("form.variant-picker .help") == "" {
			t.Error("the first free size is not chosen, or the striking is not explained")
		}
	})
}
