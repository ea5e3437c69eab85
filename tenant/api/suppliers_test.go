package api

import (
	"net/http"
	"testing"

	"marquee/storefront/suppliers"
)

func TestSuppliersAPI(t *testing.T) {
	f := newDeskFixture(t)
	base := "/api/v1/events/berlin/suppliers"
	stored := func() []suppliers.Supplier {
		list, err := f.db.Suppliers(t.Context(), f.ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	body := toJSON(map[string]any{"name": "Print Shop", "emails": []string{"orders@print.example"}, "mode": "batch",
		"send_at": "2027-06-01T08:00:00Z", "product_ids": []string{f.shirt.ID.String()}})

	var id string
	t.Run("a supplier is created, shown and listed", func(t *testing.T) {
		r := f.api(http.MethodPost, base, f.token, body)
		s := r.object("supplier")
		if r.status != 201 || s["name"] != "Print Shop" || s["mode"] != "batch" || s["send_at"] != "2027-06-01T08:00:00Z" {
			t.Fatalf("%d %v", r.status, r.body)
		}
		id, _ = s["id"].(string)
		if r.header.Get("Location") != base+"/"+id {
			t.Errorf("Location %q", r.header.Get("Location"))
		}
		if got := f.api(http.MethodGet, base+"/"+id, f.token, "").object("supplier"); got["id"] != id {
			t.Errorf("shown: %v", got)
		}
		if l := f.api(http.MethodGet, base, f.token, ""); len(l.data()) != 1 || l.body["next_cursor"] != nil {
			t.Errorf("listed: %v", l.body)
		}
	})
	t.Run("a refused supplier names the field and writes nothing", func(t *testing.T) {
		cases := []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"no name", map[string]any{"name": " ", "emails": []string{"a@b.example"}, "mode": "batch", "product_ids": []string{f.shirt.ID.String()}}, 422, "name"},
			{"a display name", map[string]any{"name": "X", "emails": []string{"Shop <a@b.example>"}, "mode": "batch", "product_ids": []string{f.shirt.ID.String()}}, 422, "emails"},
			{"an unknown mode", map[string]any{"name": "X", "emails": []string{"a@b.example"}, "mode": "weekly", "product_ids": []string{f.shirt.ID.String()}}, 422, "mode"},
			{"nothing to make", map[string]any{"name": "X", "emails": []string{"a@b.example"}, "mode": "batch"}, 422, "product_ids"},
			{"another event's product", map[string]any{"name": "X", "emails": []string{"a@b.example"}, "mode": "batch", "product_ids": []string{f.otherShirt.ID.String()}}, 422, "product_ids"},
			{"another event's option", map[string]any{"name": "X", "emails": []string{"a@b.example"}, "mode": "batch", "variant_ids": []string{f.otherShirt.Variants[0].ID.String()}}, 422, "product_ids"},
			{"a bad send time", map[string]any{"name": "X", "emails": []string{"a@b.example"}, "mode": "batch", "send_at": "tomorrow", "product_ids": []string{f.shirt.ID.String()}}, 422, "send_at"},
			{"emails as text", map[string]any{"name": "X", "emails": "a@b.example"}, 400, "emails"},
		}
		for _, c := range cases {
			if r := f.api(http.MethodPost, base, f.token, toJSON(c.body)); r.status != c.status || r.errorField() != c.field {
				t.Errorf("%s: %d on %q, want %d on %q", c.name, r.status, r.errorField(), c.status, c.field)
			}
		}
		if n := len(stored()); n != 1 {
			t.Errorf("%d suppliers stored, want 1", n)
		}
	})
	t.Run("PUT replaces a supplier", func(t *testing.T) {
		r := f.api(http.MethodPut, base+"/"+id, f.token, toJSON(map[string]any{"name": "Bakery", "emails": []string{"b@bake.example"},
			"mode": "per_order", "variant_ids": []string{f.shirt.Variants[2].ID.String()}}))
		if r.status != 200 || r.object("supplier")["name"] != "Bakery" {
			t.Fatalf("%d %v", r.status, r.body)
		}
		s := stored()[0]
		if s.Name != "Bakery" || s.Mode != suppliers.ModePerOrder || s.SendAt != nil || len(s.ProductIDs) != 0 || len(s.VariantIDs) != 1 {
			t.Errorf("stored: %+v", s)
		}
	})
	t.Run("another event's supplier is not found, and not changed", func(t *testing.T) {
		theirs := "/api/v1/events/munich/suppliers/" + id
		for _, r := range []apiResponse{
			f.api(http.MethodGet, theirs, f.token, ""),
			f.api(http.MethodPut, theirs, f.token, body),
			f.api(http.MethodDelete, theirs, f.token, ""),
			f.api(http.MethodGet, base+"/not-an-id", f.token, ""),
		} {
			if r.status != 404 {
				t.Errorf("%d, want 404", r.status)
			}
		}
		if s := stored(); len(s) != 1 || s[0].Name != "Bakery" {
			t.Errorf("stored: %+v", s)
		}
	})
	t.Run("a supplier is deleted", func(t *testing.T) {
		if r := f.api(http.MethodDelete, base+"/"+id, f.token, ""); r.status != 204 {
			t.Fatalf("%d %v", r.status, r.body)
		}
		if r := f.api(http.MethodDelete, base+"/"+id, f.token, ""); r.status != 404 {
			t.Errorf("deleted twice: %d", r.status)
		}
		if len(stored()) != 0 {
			t.Error("still stored")
		}
	})
}
