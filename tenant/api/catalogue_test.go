package api

import (
	"net/http"
	"testing"
)

// TestCatalogueAPI: products with their options and stock are created,
// read, changed and deleted through the API with the console's rules; a
// refused body names its field and writes nothing, and another event's
// products and options are not found.
func TestCatalogueAPI(t *testing.T) {
	s := startServer(t)
	ev, other := s.event("berlin"), s.event("lisbon")
	token := s.token(ScopeCatalogueRead, ScopeCatalogueWrite)
	products := func(id any) int {
		return countRows(t, s.adminURL, "SELECT count(*) FROM products WHERE tenant_id = $1", id)
	}
	base := "/api/v1/events/berlin"
	created := s.api(http.MethodPost, base+"/products", token,
		`{"name":{"en":"Hoodie","de":"Kapuzenpulli"},"price_minor":3500,"max_per_order":2,
		  "options":[{"label":{"en":"M"},"stock":10},{"label":{"en":"L"},"stock":null,"price_minor":3900}]}`)
	if created.status != 201 {
		t.Fatalf("create: %d %s", created.status, created.raw)
	}
	product := created.body["product"].(map[string]any)
	id := product["id"].(string)
	options := product["options"].([]any)
	optionM, optionL := options[0].(map[string]any)["id"].(string), options[1].(map[string]any)["id"].(string)
	if created.header.Get("Location") != base+"/products/"+id || product["price_minor"] != 3500.0 || product["max_per_order"] != 2.0 ||
		options[0].(map[string]any)["stock"] != 10.0 || options[1].(map[string]any)["stock"] != nil || product["visible"] != true {
		t.Errorf("created %s", created.raw)
	}

	t.Run("a refused product names its field and stores nothing", func(t *testing.T) {
		for body, field := range map[string]string{
			`{"name":{"de":"Nur Deutsch"},"options":[{"label":{"en":"M"}}]}`:                                                                        "name.en",
			`{"name":{"en":"Cap","it":"Cappello"},"options":[{"label":{"en":"M"}}]}`:                                                                "name.it",
			`{"name":{"en":"Cap"},"price_minor":-1,"options":[{"label":{"en":"M"}}]}`:                                                               "price_minor",
			`{"name":{"en":"Cap"},"options":[]}`:                                                                                                    "options",
			`{"name":{"en":"Cap"},"options":[{"label":{"en":"M"},"stock":-2}]}`:                                                                     "options[0].stock",
			`{"name":{"en":"Cap"},"options":[{"label":{"de":"M"}}]}`:                                                                                "options[0].label.en",
			`{"name":{"en":"Cap"},"max_per_order":5000,"options":[{"label":{"en":"M"}}]}`:                                                           "max_per_order",
			`{"name":{"en":"Cap"},"sales_open_at":"tomorrow","options":[{"label":{"en":"M"}}]}`:                                                     "sales_open_at",
			`{"name":{"en":"Cap"},"sales_open_at":"2027-06-02T00:00:00Z","sales_close_at":"2027-06-01T00:00:00Z","options":[{"label":{"en":"M"}}]}`: "sales_close_at",
		} {
			if r := s.api(http.MethodPost, base+"/products", token, body); r.status != 422 || r.errorField() != field {
				t.Errorf("%s: %d %q (field %q), want 422 on %s", body, r.status, r.errorMessage(), r.errorField(), field)
			}
		}
		if r := s.api(http.MethodPost, base+"/products", token, `{"name":{"en":"Cap"},"colour":"red"}`); r.status != 400 || r.errorField() != "colour" {
			t.Errorf("unknown field: %d %q", r.status, r.errorField())
		}
		if n := products(ev.ID); n != 1 {
			t.Errorf("%d products", n)
		}
	})
	t.Run("list and read", func(t *testing.T) {
		r := s.api(http.MethodGet, base+"/products", token, "")
		if r.status != 200 || len(r.body["data"].([]any)) != 1 || r.body["next_cursor"] != nil {
			t.Errorf("list: %d %s", r.status, r.raw)
		}
		if r := s.api(http.MethodGet, base+"/products/"+id, token, ""); r.status != 200 {
			t.Errorf("read: %d", r.status)
		}
	})
	t.Run("changes: only the fields sent", func(t *testing.T) {
		r := s.api(http.MethodPatch, base+"/products/"+id, token, `{"visible":false,"price_minor":3000,"sales_close_at":"2027-06-03T18:00:00Z"}`)
		p, _ := r.body["product"].(map[string]any)
		if r.status != 200 || p["visible"] != false || p["price_minor"] != 3000.0 || p["name"].(map[string]any)["de"] != "Kapuzenpulli" ||
			p["sales_close_at"] != "2027-06-03T18:00:00Z" {
			t.Errorf("patch: %d %s", r.status, r.raw)
		}
		r = s.api(http.MethodPatch, base+"/options/"+optionL, token, `{"price_minor":null,"label":{"en":"Large","de":"Groß"}}`)
		o := r.body["product"].(map[string]any)["options"].([]any)[1].(map[string]any)
		if r.status != 200 || o["price_minor"] != nil || o["label"].(map[string]any)["de"] != "Groß" {
			t.Errorf("option: %d %s", r.status, r.raw)
		}
		r = s.api(http.MethodPost, base+"/products/"+id+"/options", token, `{"options":[{"label":{"en":"XL"},"stock":3}]}`)
		if r.status != 200 || len(r.body["product"].(map[string]any)["options"].([]any)) != 3 {
			t.Errorf("add option: %d %s", r.status, r.raw)
		}
	})
	t.Run("stock adjustments", func(t *testing.T) {
		if r := s.api(http.MethodPost, base+"/options/"+optionM+"/stock-adjustments", token, `{"delta":5,"reason":"delivery"}`); r.status != 200 || r.body["stock"] != 15.0 {
			t.Errorf("+5: %d %s", r.status, r.raw)
		}
		for body, field := range map[string]string{`{"delta":-100,"reason":"lost"}`: "delta", `{"delta":0,"reason":"x"}`: "delta", `{"delta":2,"reason":""}`: "reason"} {
			if r := s.api(http.MethodPost, base+"/options/"+optionM+"/stock-adjustments", token, body); r.status != 422 || r.errorField() != field {
				t.Errorf("%s: %d %q", body, r.status, r.errorField())
			}
		}
		if r := s.api(http.MethodPost, base+"/options/"+optionL+"/stock-adjustments", token, `{"delta":1,"reason":"x"}`); r.status != 422 {
			t.Errorf("unlimited stock adjusted: %d", r.status)
		}
		if n := countRows(t, s.adminURL, "SELECT count(*) FROM variants WHERE id = $1 AND stock = 15", optionM); n != 1 {
			t.Error("the stock is not 15")
		}
	})
	t.Run("another event's products and options are not found", func(t *testing.T) {
		s.api(http.MethodPost, "/api/v1/events/lisbon/products", token, `{"name":{"en":"Pen"},"options":[{"label":{"en":"Blue"},"stock":4}]}`)
		theirs := s.api(http.MethodGet, "/api/v1/events/lisbon/products", token, "").body["data"].([]any)[0].(map[string]any)
		theirID, theirOption := theirs["id"].(string), theirs["options"].([]any)[0].(map[string]any)["id"].(string)
		for _, c := range []struct{ method, path, body string }{
			{http.MethodGet, base + "/products/" + theirID, ""},
			{http.MethodPatch, base + "/products/" + theirID, `{"price_minor":1}`},
			{http.MethodDelete, base + "/products/" + theirID, ""},
			{http.MethodPost, base + "/products/" + theirID + "/options", `{"options":[{"label":{"en":"Red"}}]}`},
			{http.MethodPatch, base + "/options/" + theirOption, `{"price_minor":1}`},
			{http.MethodDelete, base + "/options/" + theirOption, ""},
			{http.MethodPost, base + "/options/" + theirOption + "/stock-adjustments", `{"delta":-4,"reason":"gone"}`},
			{http.MethodGet, base + "/products/not-an-id", ""},
		} {
			if r := s.api(c.method, c.path, token, c.body); r.status != 404 {
				t.Errorf("%s %s: %d", c.method, c.path, r.status)
			}
		}
		if n := countRows(t, s.adminURL, "SELECT count(*) FROM variants WHERE tenant_id = $1 AND stock = 4", other.ID); n != 1 {
			t.Error("another event's option changed")
		}
	})
	t.Run("deleting", func(t *testing.T) {
		if r := s.api(http.MethodDelete, base+"/options/"+optionL, token, ""); r.status != 204 {
			t.Errorf("option: %d %s", r.status, r.raw)
		}
		if r := s.api(http.MethodDelete, base+"/products/"+id, token, ""); r.status != 204 {
			t.Errorf("product: %d %s", r.status, r.raw)
		}
		if n := products(ev.ID); n != 0 {
			t.Errorf("%d products left", n)
		}
	})
}
