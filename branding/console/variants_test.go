package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
)

// TestVariantEditing renames an option, gives it its own price (which the
// storefront charges), takes the price away again, and deletes options:
// never one that was ordered, never a product's last.
func TestVariantEditing(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	csrf := csrfOf(b.do(http.MethodGet, "/events/devcon/catalogue", "", ""))
	if r := b.post("/events/devcon/catalogue/products", url.Values{"csrf": {csrf}, "name.en": {"Hoodie"}, "price": {"30"},
		"variants": {"S = 2\nM = 3\nXXL = 1"}, "visible": {"on"}}); r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.status, r.text(".problems"))
	}
	product := func() storefront.Product {
		cat, err := s.db.Catalogue(ctx, ev.ID)
		if err != nil || len(cat.Products) == 0 || cat.Products[0].Name["en"] != "Hoodie" {
			t.Fatalf("catalogue: %v, %+v", err, cat)
		}
		return cat.Products[0]
	}
	p := product()
	s0, m, xxl := p.Variants[0], p.Variants[1], p.Variants[2]
	edit := "/events/devcon/catalogue/variants/" + xxl.ID.String()

	t.Run("a bad price or a missing label is refused with the message and changes nothing", func(t *testing.T) {
		r := b.post(edit, url.Values{"csrf": {csrf}, "label.en": {"2XL"}, "price": {"lots"}})
		if r.status != 422 || !strings.Contains(r.text(".problems"), "Enter the price as a number") {
			t.Fatalf("bad price: %d %q", r.status, r.text(".problems"))
		}
		r = b.post(edit, url.Values{"csrf": {csrf}, "label.de": {"2XL"}, "price": {"35"}})
		if r.status != 422 || !strings.Contains(r.text(".problems"), "Enter the option's name") {
			t.Fatalf("no label in the default language: %d %q", r.status, r.text(".problems"))
		}
		if v := product().Variants[2]; v.Label["en"] != "XXL" || v.PriceMinor != nil {
			t.Fatalf("a refused edit changed the option: %+v", v)
		}
	})
	t.Run("a label per language and an own price reach the storefront and the order", func(t *testing.T) {
		if r := b.post(edit, url.Values{"csrf": {csrf}, "label.en": {"2XL"}, "label.de": {"2XL (weit)"}, "price": {"35.50"}}); r.status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.status, r.text(".problems"))
		}
		page := b.do(http.MethodGet, "/events/devcon/catalogue", "", "")
		row := page.doc.Find(`tr[data-variant="` + xxl.ID.String() + `"]`)
		if got := row.Find("td.price").Text(); got != "€35.50" {
			t.Errorf("console price %q", got)
		}
		if v, _ := row.Find(`input[name="label.de"]`).Attr("value"); v != "2XL (weit)" {
			t.Errorf("German label input %q", v)
		}
		if v, _ := page.doc.Find(`tr[data-variant="` + m.ID.String() + `"] input[name="price"]`).Attr("value"); v != "" {
			t.Errorf("an option without its own price shows %q", v)
		}
		waitFor(t, time.Second, func() bool {
			return strings.Contains(s.get("devcon.shop.test", "/products/"+p.ID.String(), "Accept-Language", "de").text("main"), "2XL (weit)")
		})
		o, err := s.db.PlaceOrder(ctx, ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "a@example.com", Name: "A", Locale: "en",
			Lines: []storefront.Line{{ProductID: p.ID, VariantID: xxl.ID, Quantity: 1}, {ProductID: p.ID, VariantID: m.ID, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if o.TotalMinor != 3550+3000 {
			t.Fatalf("total %d, want 6550 (own price plus the product's)", o.TotalMinor)
		}
	})
	t.Run("an empty price falls back to the product's", func(t *testing.T) {
		if r := b.post(edit, url.Values{"csrf": {csrf}, "label.en": {"2XL"}, "price": {""}}); r.status != http.StatusSeeOther {
			t.Fatalf("edit: %d", r.status)
		}
		if v := product().Variants[2]; v.PriceMinor != nil || v.Label["en"] != "2XL" || v.Label["de"] != "" {
			t.Fatalf("after clearing: %+v", v)
		}
	})
	t.Run("an ordered option stays; an unordered one goes; the last one stays", func(t *testing.T) {
		r := b.post("/events/devcon/catalogue/variants/"+m.ID.String()+"/delete", url.Values{"csrf": {csrf}})
		if r.status != 409 || !strings.Contains(r.text(".problems"), "Set its stock to 0 instead") {
			t.Fatalf("deleting an ordered option: %d %q", r.status, r.text(".problems"))
		}
		if r := b.post("/events/devcon/catalogue/variants/"+s0.ID.String()+"/delete", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
			t.Fatalf("delete: %d %s", r.status, r.text(".problems"))
		}
		if got := len(product().Variants); got != 2 {
			t.Fatalf("%d options after deleting S, want 2", got)
		}
		// A fresh product with one unordered option: it cannot lose it.
		b.post("/events/devcon/catalogue/products", url.Values{"csrf": {csrf}, "name.en": {"Cap"}, "variants": {"One size"}, "visible": {"on"}})
		cat, _ := s.db.Catalogue(ctx, ev.ID)
		only := cat.Products[1].Variants[0]
		r = b.post("/events/devcon/catalogue/variants/"+only.ID.String()+"/delete", url.Values{"csrf": {csrf}})
		if r.status != 409 || !strings.Contains(r.text(".problems"), "at least one option") {
			t.Fatalf("deleting the last option: %d %q", r.status, r.text(".problems"))
		}
	})
	t.Run("fulfilment cannot edit options", func(t *testing.T) {
		f := fulfilmentMember(t, s, ev)
		if r := f.post(edit, url.Values{"csrf": {csrfOf(f.do(http.MethodGet, "/events/devcon/orders", "", ""))}, "label.en": {"Stolen"}}); r.status != 404 {
			t.Fatalf("fulfilment edit: %d", r.status)
		}
		if product().Variants[1].Label["en"] != "2XL" {
			t.Fatal("fulfilment changed an option")
		}
	})
}

// TestProductImage uploads a product's picture through the media
// pipeline, shows it on the storefront, reuses an event image for another
// product, refuses a key from outside the event's library, and removes it.
func TestProductImage(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	csrf := csrfOf(b.do(http.MethodGet, "/events/devcon/catalogue", "", ""))
	for _, name := range []string{"Hoodie", "Cap"} {
		if r := b.post("/events/devcon/catalogue/products", url.Values{"csrf": {csrf}, "name.en": {name}, "variants": {"One"}, "visible": {"on"}}); r.status != http.StatusSeeOther {
			t.Fatalf("create %s: %d", name, r.status)
		}
	}
	cat, _ := s.db.Catalogue(ctx, ev.ID)
	hoodie, cap := cat.Products[0], cat.Products[1]
	image := func(id string) string {
		c, _ := s.db.Catalogue(ctx, ev.ID)
		for _, p := range c.Products {
			if p.ID.String() == id {
				return p.ImageKey
			}
		}
		t.Fatalf("no product %s", id)
		return ""
	}
	mediaDir := s.mediaDir

	t.Run("a file that is no image is refused and nothing is stored", func(t *testing.T) {
		before := countFiles(t, mediaDir)
		ct, body := multipartUpload(t, csrf, "", "hoodie.png", []byte("GIF89a but not really"))
		r := b.do(http.MethodPost, "/events/devcon/catalogue/products/"+hoodie.ID.String()+"/image", ct, body)
		if r.status != 422 || r.text(".problems") == "" {
			t.Fatalf("status %d, %q", r.status, r.text(".problems"))
		}
		if countFiles(t, mediaDir) != before || image(hoodie.ID.String()) != "" {
			t.Fatal("a refused upload stored something")
		}
	})
	t.Run("an uploaded picture shows on the storefront and in the console", func(t *testing.T) {
		ct, body := multipartUpload(t, csrf, "", "hoodie.png", pngBytes(t, 900, 900))
		r := b.do(http.MethodPost, "/events/devcon/catalogue/products/"+hoodie.ID.String()+"/image", ct, body)
		if r.status != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", r.status, r.text(".problems"))
		}
		key := image(hoodie.ID.String())
		if !strings.HasPrefix(key, ev.ID.String()+"/") || !strings.HasSuffix(key, "/640.png") {
			t.Fatalf("image key %q, want the event's 640 px rendition", key)
		}
		var src string
		waitFor(t, time.Second, func() bool {
			src, _ = s.get("devcon.shop.test", "/").doc.Find(`.products a[href="/products/` + hoodie.ID.String() + `"] img`).Attr("src")
			return src == "/media/"+key
		})
		if got := s.get("devcon.shop.test", src); got.status != 200 {
			t.Fatalf("the picture itself: %d", got.status)
		}
		page := b.do(http.MethodGet, "/events/devcon/catalogue", "", "")
		if src, _ := page.doc.Find(`section[data-product="` + hoodie.ID.String() + `"] img.product-thumb`).Attr("src"); src != "/media/"+key {
			t.Errorf("console thumbnail %q", src)
		}
		if page.doc.Find(`select[name="library"] option[value="`+key+`"]`).Length() == 0 {
			t.Error("the library does not offer the uploaded picture")
		}
	})
	t.Run("the library reuses an event image; a key from elsewhere is refused", func(t *testing.T) {
		key := image(hoodie.ID.String())
		foreign := strings.Replace(key, ev.ID.String(), "00000000-0000-0000-0000-000000000001", 1)
		r := b.post("/events/devcon/catalogue/products/"+cap.ID.String()+"/image", url.Values{"csrf": {csrf}, "library": {foreign}})
		if r.status != 422 || !strings.Contains(r.text(".problems"), "Choose one of the event's images") || image(cap.ID.String()) != "" {
			t.Fatalf("foreign key: %d %q", r.status, r.text(".problems"))
		}
		if r := b.post("/events/devcon/catalogue/products/"+cap.ID.String()+"/image", url.Values{"csrf": {csrf}, "library": {key}}); r.status != http.StatusSeeOther {
			t.Fatalf("reuse: %d %s", r.status, r.text(".problems"))
		}
		if image(cap.ID.String()) != key {
			t.Fatal("the cap did not get the picture")
		}
	})
	t.Run("removing the picture asks first, then brings the placeholder back", func(t *testing.T) {
		key := image(hoodie.ID.String())
		remove := "/events/devcon/catalogue/products/" + hoodie.ID.String() + "/image/remove"
		page := b.do(http.MethodGet, "/events/devcon/catalogue", "", "")
		if href, _ := page.doc.Find(`section[data-product="` + hoodie.ID.String() + `"] form.product-image a.remove-image`).Attr("href"); href != remove {
			t.Fatalf("Remove picture links to %q, want %q", href, remove)
		}
		if page.doc.Find(`form.product-image button[name="remove"]`).Length() != 0 {
			t.Error("a button still removes the picture without asking")
		}
		values := confirmOf(t, b.do(http.MethodGet, remove, "", ""), remove, "Remove the picture of Hoodie?",
			"/events/devcon/catalogue#product-"+hoodie.ID.String())
		if image(hoodie.ID.String()) != key {
			t.Fatal("asking removed the picture")
		}
		// The upload form's old way no longer removes anything.
		if r := b.post("/events/devcon/catalogue/products/"+hoodie.ID.String()+"/image", url.Values{"csrf": {csrf}, "remove": {"1"}}); r.status != 422 || image(hoodie.ID.String()) != key {
			t.Fatalf("the upload form with remove=1: %d, picture %q", r.status, image(hoodie.ID.String()))
		}
		other, err := s.db.TenantBySlug(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		theirs := addSizedProduct(t, s, other, "Tote")
		if err := s.db.SetProductImage(ctx, other.ID, theirs.ID, key); err != nil {
			t.Fatal(err)
		}
		products := "/events/devcon/catalogue/products/"
		refused(t, b, products+theirs.ID.String()+"/image/remove", products+uuid.NewString()+"/image/remove", products+"x/image/remove",
			"/events/other/catalogue/products/"+theirs.ID.String()+"/image/remove")
		refused(t, fulfilmentMember(t, s, ev), remove)
		for _, path := range []string{products + theirs.ID.String() + "/image/remove", "/events/other/catalogue/products/" + theirs.ID.String() + "/image/remove"} {
			if r := b.post(path, values); r.status != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", path, r.status)
			}
		}
		if c, err := s.db.Catalogue(ctx, other.ID); err != nil || c.Products[0].ImageKey != key {
			t.Fatalf("the other event's picture: %+v %v", c, err)
		}
		if r := b.post(remove, url.Values{"csrf": {"forged"}}); r.status != http.StatusForbidden || image(hoodie.ID.String()) != key {
			t.Fatalf("a forged token: %d", r.status)
		}
		if r := b.post(remove, values); r.status != http.StatusSeeOther || image(hoodie.ID.String()) != "" {
			t.Fatalf("confirmed: %d, picture %q", r.status, image(hoodie.ID.String()))
		}
		if image(cap.ID.String()) != key {
			t.Error("the cap lost the picture it shares")
		}
		waitFor(t, time.Second, func() bool {
			src, _ := s.get("devcon.shop.test", "/products/"+hoodie.ID.String()).doc.Find("main img").Attr("src")
			return src == "/products/"+hoodie.ID.String()+"/placeholder.svg" // the generated placeholder in the event's colours
		})
	})
}
