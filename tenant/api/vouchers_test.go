package api

import (
	"net/http"
	"strings"
	"testing"

	"marquee/db/dbtest"
	"marquee/storefront"
)

func TestVouchersAPI(t *testing.T) {
	f := newDeskFixture(t)
	base := "/api/v1/events/berlin/vouchers"
	count := func() int {
		return countRows(t, f.adminURL, "SELECT count(*) FROM vouchers WHERE tenant_id = $1", f.ev.ID)
	}

	var id string
	t.Run("a code is created with its limits", func(t *testing.T) {
		r := f.api(http.MethodPost, base, f.token, toJSON(map[string]any{"code": " speaker-2027 ", "kind": "percent", "percent": 20,
			"max_uses": 10, "valid_until": "2027-06-01T00:00:00Z", "note": "for speakers", "product_ids": []string{f.shirt.ID.String()}}))
		v := r.object("voucher")
		if r.status != 201 || v["code"] != "SPEAKER-2027" || v["percent"] != 20.0 || v["max_uses"] != 10.0 || v["valid_until"] != "2027-06-01T00:00:00Z" ||
			v["valid_from"] != nil {
			t.Fatalf("%d %v", r.status, r.body)
		}
		id, _ = v["id"].(string)
		if r.header.Get("Location") != base+"/"+id {
			t.Errorf("Location %q", r.header.Get("Location"))
		}
		if r := f.api(http.MethodPost, base, f.token, `{}`); r.status != 201 || len(r.object("voucher")["code"].(string)) != 8 {
			t.Errorf("no code: a random one: %d %v", r.status, r.body)
		}
	})
	t.Run("a refused code names the field and writes nothing", func(t *testing.T) {
		before := count()
		cases := []struct {
			body   string
			status int
			field  string
		}{
			{`{"code":"speaker-2027"}`, 409, "code"},
			{`{"code":"a b"}`, 422, "code"},
			{`{"kind":"free"}`, 422, "kind"},
			{`{"kind":"amount"}`, 422, "amount_minor"},
			{`{"kind":"percent","percent":101}`, 422, "percent"},
			{`{"max_uses":0}`, 422, "max_uses"},
			{`{"valid_from":"2027-06-02T00:00:00Z","valid_until":"2027-06-01T00:00:00Z"}`, 422, "valid_until"},
			{`{"valid_from":"June"}`, 422, "valid_from"},
			{`{"product_ids":["` + f.otherShirt.ID.String() + `"]}`, 422, "product_ids"},
			{`{"percent":"20"}`, 400, "percent"},
		}
		for _, c := range cases {
			if r := f.api(http.MethodPost, base, f.token, c.body); r.status != c.status || r.errorField() != c.field {
				t.Errorf("%s: %d on %q, want %d on %q", c.body, r.status, r.errorField(), c.status, c.field)
			}
		}
		if count() != before {
			t.Errorf("%d codes after refusals, %d before", count(), before)
		}
	})
	t.Run("codes are made in bulk with a prefix", func(t *testing.T) {
		r := f.api(http.MethodPost, base+"/bulk", f.token, `{"prefix":"crew-","count":5,"kind":"unlock","variant_ids":["`+f.shirt.Variants[0].ID.String()+`"]}`)
		codes, _ := r.body["codes"].([]any)
		if r.status != 201 || len(codes) != 5 || !strings.HasPrefix(codes[0].(string), "CREW-") {
			t.Fatalf("%d %v", r.status, r.body)
		}
		before := count()
		for body, field := range map[string]string{`{"prefix":"crew","count":1001}`: "count", `{"prefix":"crew","count":0}`: "count",
			`{"prefix":"` + strings.Repeat("X", 30) + `","count":2}`: "prefix"} {
			if r := f.api(http.MethodPost, base+"/bulk", f.token, body); r.status != 422 || r.errorField() != field {
				t.Errorf("%s: %d on %q, want 422 on %q", body, r.status, r.errorField(), field)
			}
		}
		if count() != before {
			t.Error("a refused bulk request made codes")
		}
	})
	t.Run("the list pages by cursor and searches", func(t *testing.T) {
		seen := map[string]bool{}
		path := base + "?limit=3"
		for range 10 {
			r := f.api(http.MethodGet, path, f.token, "")
			for _, v := range r.data() {
				seen[v["id"].(string)] = true
			}
			if r.nextCursor() == "" {
				break
			}
			path = base + "?limit=3&cursor=" + r.nextCursor()
		}
		if len(seen) != count() {
			t.Errorf("%d codes seen paging, %d stored", len(seen), count())
		}
		if r := f.api(http.MethodGet, base+"?q=speaker", f.token, ""); len(r.data()) != 1 {
			t.Errorf("q=speaker: %v", r.data())
		}
	})
	t.Run("PATCH changes what it sends; null removes a limit", func(t *testing.T) {
		r := f.api(http.MethodPatch, base+"/"+id, f.token, `{"percent":25,"max_uses":null,"disabled":true}`)
		v := r.object("voucher")
		if r.status != 200 || v["percent"] != 25.0 || v["max_uses"] != nil || v["disabled"] != true || v["valid_until"] != "2027-06-01T00:00:00Z" {
			t.Fatalf("%d %v", r.status, r.body)
		}
		if r := f.api(http.MethodPatch, base+"/"+id, f.token, `{"kind":"amount"}`); r.status != 422 || r.errorField() != "amount_minor" {
			t.Errorf("amount without an amount: %d on %q", r.status, r.errorField())
		}
		stored, err := f.db.Voucher(t.Context(), f.ev.ID, mustID(t, id))
		if err != nil || stored.Kind != storefront.VoucherPercent || stored.Percent != 25 || stored.MaxUses != nil || !stored.Disabled {
			t.Errorf("stored: %v %+v", err, stored)
		}
	})
	t.Run("another event's code is not found, and not changed", func(t *testing.T) {
		theirs := "/api/v1/events/munich/vouchers/" + id
		for _, r := range []apiResponse{f.api(http.MethodGet, theirs, f.token, ""), f.api(http.MethodPatch, theirs, f.token, `{"percent":50}`),
			f.api(http.MethodDelete, theirs, f.token, "")} {
			if r.status != 404 {
				t.Errorf("%d, want 404", r.status)
			}
		}
		if v, _ := f.db.Voucher(t.Context(), f.ev.ID, mustID(t, id)); v.Percent != 25 {
			t.Errorf("changed through another event: %+v", v)
		}
	})
	t.Run("a used code is not deleted; an unused one is", func(t *testing.T) {
		used := f.api(http.MethodPost, base, f.token, `{"code":"USED-1"}`).object("voucher")["id"].(string)
		req := dbtest.OrderFor(mustCatalogue(t, f), "Shirt")
		req.VoucherCode = "USED-1"
		if _, err := f.db.PlaceOrder(t.Context(), f.ev.ID, req); err != nil {
			t.Fatal(err)
		}
		if r := f.api(http.MethodDelete, base+"/"+used, f.token, ""); r.status != 409 {
			t.Errorf("a used code: %d, want 409", r.status)
		}
		if r := f.api(http.MethodDelete, base+"/"+id, f.token, ""); r.status != 204 {
			t.Errorf("an unused code: %d, want 204", r.status)
		}
		if r := f.api(http.MethodGet, base+"/"+id, f.token, ""); r.status != 404 {
			t.Errorf("deleted, then shown: %d", r.status)
		}
	})
}
