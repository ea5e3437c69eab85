package console

import (
	"net/http"
	"net/url"
	"testing"

	"marquee/tenant/staff"
)

// flashOn fetches path and returns the flash it shows ("" for none),
// failing if there is more than one or it is not a status message.
func flashOn(t *testing.T, b *shop, path string) string {
	t.Helper()
	r := consolePage(t, b, path)
	f := r.doc.Find("main .notice")
	if f.Length() > 1 {
		t.Errorf("GET %s: %d notices", path, f.Length())
	}
	if f.Length() == 1 {
		if role, _ := f.Attr("role"); role != "status" || f.AttrOr("id", "") != "flash" {
			t.Errorf("GET %s: the notice is not the flash: role %q id %q", path, role, f.AttrOr("id", ""))
		}
	}
	return r.text("#flash")
}

func TestFlashAfterEverySave(t *testing.T) {
	s, ev, _ := consoleServer(t)
	owner := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
	csrf := csrfOf(consolePage(t, owner, "/"))
	hoodie := addSizedProduct(t, s, ev, "Hoodie")
	o := placeOrderOf(t, s, ev, hoodie, 0, "Ada")

	for _, tc := range []struct {
		what, path string
		form       url.Values
		want       string
	}{
		{"settings", "/events/devcon/settings", url.Values{"reply_to": {"orders@devcon.example"}}, "Settings saved."},
		{"a status change", "/events/devcon/orders/" + o.Number + "/status", url.Values{"status": {"confirmed"}}, enMessage(s, "console.orders.status_changed")},
		{"a bulk change", "/events/devcon/orders/status", url.Values{"status": {"dispatched"}, "number": {o.Number, "NOPE-NOPE"}},
			enMessage(s, "console.orders.bulk_done", "Changed", 1, "Skipped", 1)},
		{"a domain", "/events/devcon/domains", url.Values{"hostname": {"shop.devcon.org"}}, enMessage(s, "console.domains.added")},
		{"a product", "/events/devcon/catalogue/products", url.Values{"name.en": {"Cap"}, "variants": {"One size"}}, enMessage(s, "console.catalogue.saved")},
		{"a form field", "/events/devcon/form/fields", url.Values{"scope": {"customer"}, "type": {"text"}, "label.en": {"Company"}}, enMessage(s, "console.form.saved")},
		{"a supplier", "/events/devcon/suppliers", url.Values{"name": {"Acme"}, "emails": {"a@acme.example"}, "mode": {"per_order"}, "variant": {hoodie.Variants[0].ID.String()}}, enMessage(s, "console.suppliers.created")},
	} {
		t.Run(tc.what, func(t *testing.T) {
			tc.form.Set("csrf", csrf)
			r := owner.post(tc.path, tc.form)
			if r.status != http.StatusSeeOther {
				t.Fatalf("POST %s: %d %s", tc.path, r.status, r.text(".problems"))
			}
			if got := flashOn(t, owner, r.header.Get("Location")); got != tc.want {
				t.Errorf("after %s at %s the flash says %q, want %q", tc.what, r.header.Get("Location"), got, tc.want)
			}
		})
	}
	t.Run("a page opened again, or with a key it does not know, shows none", func(t *testing.T) {
		for _, path := range []string{"/events/devcon/settings", "/events/devcon/settings?saved=<script>", "/events/devcon/settings?saved=1",
			"/events/devcon/orders?saved=bulk&changed=lots&skipped=1", "/events/devcon/orders?saved=bulk"} {
			if got := flashOn(t, owner, path); got != "" {
				t.Errorf("GET %s shows %q", path, got)
			}
		}
	})
}

func TestFlashedKeepsTheQueryAndTheFragment(t *testing.T) {
	for path, want := range map[string]string{
		"/events/x/branding":            "/events/x/branding?saved=draft",
		"/events/x/branding#image-logo": "/events/x/branding?saved=draft#image-logo",
		"/events/x/orders?changed=1":    "/events/x/orders?changed=1&saved=draft",
		"/events/x/orders?a=1#top":      "/events/x/orders?a=1&saved=draft#top",
	} {
		if got := flashed(path, "draft"); got != want {
			t.Errorf("flashed(%q) = %q, want %q", path, got, want)
		}
	}
}
