package console

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"marquee/storefront"
)

func TestCataloguePage(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	var sizes []storefront.Variant
	for i, l := range []string{"XS", "S", "M", "L", "XL", "XXL", "3XL"} {
		sizes = append(sizes, storefront.Variant{Label: storefront.Text{"en": l}, Stock: intp(i * 2), Position: i}) // XS: none left; S: 2
	}
	shirt, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "T-shirt"}, Visible: true, Variants: sizes})
	if err != nil {
		t.Fatal(err)
	}
	b := signedInMember(t, s)
	page := b.get("/events/devcon/catalogue")
	product := page.doc.Find(`section[data-product="` + shirt.ID.String() + `"]`)

	t.Run("no stock form shows until asked for", func(t *testing.T) {
		if n := product.Find("form.adjust").Length(); n != 7 {
			t.Fatalf("%d stock forms, want one per option with a stock", n)
		}
		product.Find("form.adjust, form.edit-variant, form.edit").Each(func(_ int, f *goquery.Selection) {
			if f.Closest("details:not([open])").Length() != 1 {
				t.Errorf("a form %q shows without being asked for", f.AttrOr("action", ""))
			}
		})
		if got := strings.TrimSpace(product.Find(`tr[data-variant] details.adjust-stock summary`).First().Text()); !strings.HasPrefix(got, "Adjust stock") {
			t.Errorf("the stock control says %q", got)
		}
	})
	t.Run("an option with no stock left says Sold out, a few left low", func(t *testing.T) {
		xs := product.Find(`tr[data-variant="` + shirt.Variants[0].ID.String() + `"] td.stock`)
		if got := strings.Join(strings.Fields(xs.Text()), " "); got != "0 Sold out" {
			t.Errorf("XS stock %q", got)
		}
		small := product.Find(`tr[data-variant="` + shirt.Variants[1].ID.String() + `"] td.stock`)
		if got := strings.Join(strings.Fields(small.Text()), " "); got != "2 low" {
			t.Errorf("S stock %q", got)
		}
		if got := product.Find(".product-meta").Text(); got != "7 options · 1 sold out" {
			t.Errorf("the product says %q", got)
		}
	})
	t.Run("Delete asks first and sits away from the arrows", func(t *testing.T) {
		del := product.Find("a.delete")
		href, _ := del.Attr("href")
		if href != "/events/devcon/catalogue/products/"+shirt.ID.String()+"/delete" || !del.HasClass("danger") {
			t.Fatalf("Delete is %q (%v), want a link to its confirm page", href, del.AttrOr("class", ""))
		}
		if product.Find("form[action$='/delete'], button.danger").Length() != 0 {
			t.Error("a Delete that posts at once")
		}
		if del.Closest("details.edit-product .danger-zone").Length() != 1 || product.Find(".product-actions .danger").Length() != 0 {
			t.Error("Delete is beside the ↑/↓ buttons")
		}
		ask := b.get(href)
		if ask.status != http.StatusOK || ask.doc.Find(`form.confirm[action="`+href+`"]`).Length() != 1 {
			t.Fatalf("the question: %d %q", ask.status, ask.text("h1"))
		}
		if cat, _ := s.db.Catalogue(ctx, ev.ID); len(cat.Products) != 1 {
			t.Fatal("asking deleted the product")
		}
		if r := b.post(href, map[string][]string{"csrf": {csrfOf(ask)}}); r.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d", r.status)
		}
		if cat, _ := s.db.Catalogue(ctx, ev.ID); len(cat.Products) != 0 {
			t.Fatal("the confirmed delete left the product")
		}
	})
	t.Run("an empty catalogue says what to do", func(t *testing.T) {
		page := b.get("/events/devcon/catalogue")
		if !strings.Contains(page.text(".empty-state"), "No products yet") || page.doc.Find(`.empty-state a[href="#new-product"]`).Length() != 1 {
			t.Errorf("empty state %q", page.text(".empty-state"))
		}
	})
}
