package console

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront"
)

func TestConsoleVouchers(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	hoodie := addSizedProduct(t, s, ev, "Hoodie")
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	theirProduct := addSizedProduct(t, s, other, "Their hoodie")
	theirCode, err := s.db.CreateVoucher(ctx, other.ID, storefront.Voucher{Code: "THEIRS", Kind: storefront.VoucherUnlock})
	if err != nil {
		t.Fatal(err)
	}
	b := signedInMember(t, s)
	page := consolePage(t, b, "/events/devcon/vouchers")
	csrf := csrfOf(page)
	if page.doc.Find(`form.voucher-form input[name="variant"]`).Length() != 3 || page.doc.Find("a.nav-vouchers").Length() == 0 {
		t.Fatalf("the form's options: %d", page.doc.Find(`form.voucher-form input[name="variant"]`).Length())
	}
	stored := func() int {
		_, n, err := s.db.Vouchers(ctx, ev.ID, "", 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	valid := url.Values{"csrf": {csrf}, "code": {"speaker"}, "count": {"1"}, "kind": {"percent"}, "percent": {"20"},
		"product": {hoodie.ID.String()}, "note": {"for speakers"}}

	t.Run("every refusal names its field, keeps the values and stores nothing", func(t *testing.T) {
		tests := []struct {
			name, field, message string
			form                 url.Values
		}{
			{"a code with a space", "code", "vouchers.code_invalid", formWith(valid, "code", "a b")},
			{"a code of 33 characters", "code", "vouchers.code_invalid", formWith(valid, "code", strings.Repeat("A", 33))},
			{"a prefix too long for its random part", "code", "vouchers.prefix_invalid", formWith(valid, "code", strings.Repeat("A", 25), "count", "2")},
			{"no count", "count", "vouchers.count_invalid", formWith(valid, "count", "0")},
			{"too many codes", "count", "vouchers.count_invalid", formWith(valid, "count", "1001")},
			{"an unknown kind", "kind", "vouchers.kind_invalid", formWith(valid, "kind", "free")},
			{"a percentage over 100", "percent", "vouchers.percent_invalid", formWith(valid, "percent", "101")},
			{"a percentage that is no number", "percent", "vouchers.percent_invalid", formWith(valid, "percent", "lots")},
			{"an amount of 0", "amount", "vouchers.amount_invalid", formWith(valid, "kind", "amount", "amount", "0")},
			{"a negative amount", "amount", "vouchers.amount_invalid", formWith(valid, "kind", "amount", "amount", "-5")},
			{"max uses that are no number", "max_uses", "vouchers.max_uses_invalid", formWith(valid, "max_uses", "ten")},
			{"a validity that is no time", "valid_from", "vouchers.time_invalid", formWith(valid, "valid_from", "soon")},
			{"a validity that ends before it starts", "valid_until", "vouchers.until_before_from", formWith(valid, "valid_from", "2026-06-02T10:00", "valid_until", "2026-06-01T10:00")},
			{"a note of 201 characters", "note", "form.too_long", formWith(valid, "note", strings.Repeat("n", 201))},
			{"another event's product", "items", "vouchers.items_unknown", formWith(valid, "product", theirProduct.ID.String())},
			{"another event's option", "items", "vouchers.items_unknown", formWith(valid, "variant", theirProduct.Variants[0].ID.String())},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := b.post("/events/devcon/vouchers", tc.form)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", r.status, r.text("#problem"))
				}
				if got, want := r.text("#problem"), enMessage(s, tc.message); got != want {
					t.Errorf("message %q, want %q", got, want)
				}
				if field, _ := r.doc.Find("#problem").Attr("data-field"); field != tc.field {
					t.Errorf("field %q, want %q", field, tc.field)
				}
				if v, _ := r.doc.Find(`form.voucher-form input[name="note"]`).Attr("value"); v != tc.form.Get("note") {
					t.Errorf("the note was not kept: %q", v)
				}
				if n := stored(); n != 0 {
					t.Fatalf("%d codes stored after a refusal", n)
				}
			})
		}
	})

	var id string
	t.Run("a code is created, listed and refused twice", func(t *testing.T) {
		r := b.post("/events/devcon/vouchers", valid)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/events/devcon/vouchers?q=SPEAKER&saved=voucher_created" {
			t.Fatalf("create: %d to %q: %s", r.status, r.header.Get("Location"), r.text("#problem"))
		}
		page := consolePage(t, b, r.header.Get("Location"))
		row := page.doc.Find(`table.vouchers tr[data-code="SPEAKER"]`)
		if page.text("#flash") != enMessage(s, "console.vouchers.created") || !strings.Contains(row.Find(".gives").Text(), "20 %") ||
			!strings.Contains(row.Find(".gives").Text(), "Hoodie") || row.Find(".uses").Text() != "0" {
			t.Fatalf("listed %q (notice %q)", row.Text(), page.text("#flash"))
		}
		href, _ := row.Find("a").Attr("href")
		id = strings.TrimPrefix(href, "/events/devcon/vouchers/")
		if r := b.post("/events/devcon/vouchers", formWith(valid, "code", "Speaker")); r.status != http.StatusConflict || r.text("#problem") != enMessage(s, "vouchers.code_taken") {
			t.Fatalf("the same code again: %d %q", r.status, r.text("#problem"))
		}
	})

	t.Run("sixty codes with a prefix, paginated and exported", func(t *testing.T) {
		r := b.post("/events/devcon/vouchers", formWith(valid, "code", "vol-", "count", "60", "kind", "amount", "amount", "5", "percent", "", "product", "", "max_uses", "1"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("bulk: %d %s", r.status, r.text("#problem"))
		}
		first := consolePage(t, b, "/events/devcon/vouchers?q=VOL-")
		if n := first.doc.Find("table.vouchers tbody tr").Length(); n != 50 || first.text("#voucher-count") == "" {
			t.Fatalf("first page: %d rows", n)
		}
		next, _ := first.doc.Find("nav.pager a.next").Attr("href")
		if second := consolePage(t, b, next); second.doc.Find("table.vouchers tbody tr").Length() != 10 {
			t.Fatalf("second page (%s): %d rows", next, second.doc.Find("table.vouchers tbody tr").Length())
		}
		export, _ := first.doc.Find("a.download-csv").Attr("href")
		csvPage := consolePage(t, b, export)
		rows, err := csv.NewReader(strings.NewReader(csvPage.body)).ReadAll()
		if err != nil || len(rows) != 61 || rows[0][0] != "code" {
			t.Fatalf("export: %d rows, %v", len(rows), err)
		}
		seen := map[string]bool{}
		for _, row := range rows[1:] {
			if !strings.HasPrefix(row[0], "VOL-") || len(row[0]) != 12 || row[2] != "5.00" || row[4] != "1" || seen[row[0]] ||
				row[10] != "https://devcon."+testBase+"/?code="+row[0] {
				t.Fatalf("exported row %v", row)
			}
			seen[row[0]] = true
		}
	})

	t.Run("editing keeps the code and refuses fewer uses than it had", func(t *testing.T) {
		edit := consolePage(t, b, "/events/devcon/vouchers/"+id)
		if v, _ := edit.doc.Find(`input[name="percent"]`).Attr("value"); v != "20" {
			t.Fatalf("the form's percentage %q", v)
		}
		vid := uuid.MustParse(id)
		order := storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "sam@example.com", Name: "Sam", Locale: "en", VoucherCode: "SPEAKER",
			Lines: []storefront.Line{{ProductID: hoodie.ID, VariantID: hoodie.Variants[0].ID, Quantity: 1}}}
		if _, err := s.db.PlaceOrder(ctx, ev.ID, order); err != nil {
			t.Fatal(err)
		}
		form := url.Values{"csrf": {csrf}, "code": {"HIJACK"}, "kind": {"percent"}, "percent": {"25"}, "product": {hoodie.ID.String()}, "max_uses": {"5"}}
		if r := b.post("/events/devcon/vouchers/"+id, form); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text("#problem"))
		}
		v, err := s.db.Voucher(ctx, ev.ID, vid)
		if err != nil || v.Code != "SPEAKER" || v.Percent != 25 || *v.MaxUses != 5 || v.Uses != 1 {
			t.Fatalf("saved %+v, %v", v, err)
		}
		page := consolePage(t, b, "/events/devcon/vouchers/"+id)
		if page.text("#voucher-uses") != "1 / 5" || page.doc.Find("table.redemptions tbody tr").Length() != 1 {
			t.Fatalf("uses %q, redemptions %d", page.text("#voucher-uses"), page.doc.Find("table.redemptions tbody tr").Length())
		}
		if r := b.post("/events/devcon/vouchers/"+id, formWith(form, "max_uses", "1")); r.status != http.StatusSeeOther {
			t.Fatalf("max uses equal to the uses: %d", r.status)
		}
		// 1 use, max 1: lowering is not possible below; a stored 0 is no number the form takes.
		if r := b.post("/events/devcon/vouchers/"+id, formWith(form, "max_uses", "0")); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("max uses 0: %d", r.status)
		}
	})

	t.Run("a used code is disabled, not deleted", func(t *testing.T) {
		if r := consolePage(t, b, "/events/devcon/vouchers/"+id+"/delete"); !strings.Contains(r.text("main"), "1") {
			t.Fatalf("the confirm page does not say it was used: %q", r.text("main"))
		}
		if r := b.post("/events/devcon/vouchers/"+id+"/delete", url.Values{"csrf": {csrf}}); r.status != http.StatusConflict {
			t.Fatalf("delete a used code: %d", r.status)
		}
		if r := b.post("/events/devcon/vouchers/"+id+"/disabled", url.Values{"csrf": {csrf}, "disabled": {"true"}}); r.status != http.StatusSeeOther {
			t.Fatalf("disable: %d", r.status)
		}
		if _, err := s.db.VoucherByCode(ctx, ev.ID, "SPEAKER"); err == nil {
			t.Fatal("a disabled code still works in the shop")
		}
		if page := consolePage(t, b, "/events/devcon/vouchers/"+id); page.text("#voucher-state") != enMessage(s, "console.vouchers.disabled") {
			t.Fatalf("state %q", page.text("#voucher-state"))
		}
	})

	t.Run("an unused code is deleted after asking", func(t *testing.T) {
		created, err := s.db.CreateVoucher(ctx, ev.ID, storefront.Voucher{Code: "SPARE", Kind: storefront.VoucherUnlock})
		if err != nil {
			t.Fatal(err)
		}
		path := "/events/devcon/vouchers/" + created.ID.String() + "/delete"
		if r := consolePage(t, b, path); r.doc.Find("form[method=post] button").Length() == 0 {
			t.Fatal("no confirm button")
		}
		if r := b.post(path, url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
			t.Fatalf("delete: %d", r.status)
		}
		if _, err := s.db.Voucher(ctx, ev.ID, created.ID); err == nil {
			t.Fatal("still there")
		}
	})

	t.Run("another event's code and product are not found here", func(t *testing.T) {
		theirs := "/events/devcon/vouchers/" + theirCode.ID.String()
		if r := b.get(theirs); r.status != http.StatusNotFound {
			t.Fatalf("their code's page: %d", r.status)
		}
		for _, path := range []string{theirs, theirs + "/disabled", theirs + "/delete", "/events/devcon/catalogue/products/" + theirProduct.ID.String() + "/code-only",
			"/events/devcon/catalogue/variants/" + theirProduct.Variants[0].ID.String() + "/code-only"} {
			if r := b.post(path, url.Values{"csrf": {csrf}, "kind": {"unlock"}, "disabled": {"true"}, "code_only": {"true"}}); r.status != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", path, r.status)
			}
		}
		v, err := s.db.Voucher(ctx, other.ID, theirCode.ID)
		cat, _ := s.db.Catalogue(ctx, other.ID)
		if err != nil || v.Disabled || cat.Products[0].CodeOnly || cat.Products[0].Variants[0].CodeOnly {
			t.Fatalf("their code or product changed: %+v %v", v, err)
		}
	})

	t.Run("a product and an option are made only with a code", func(t *testing.T) {
		for _, path := range []string{"/events/devcon/catalogue/products/" + hoodie.ID.String() + "/code-only",
			"/events/devcon/catalogue/variants/" + hoodie.Variants[2].ID.String() + "/code-only"} {
			if r := b.post(path, url.Values{"csrf": {csrf}, "code_only": {"true"}}); r.status != http.StatusSeeOther {
				t.Fatalf("POST %s: %d", path, r.status)
			}
		}
		cat, err := s.db.Catalogue(ctx, ev.ID)
		if err != nil || !cat.Products[0].CodeOnly || !cat.Products[0].Variants[2].CodeOnly || cat.Products[0].Variants[0].CodeOnly {
			t.Fatalf("catalogue %+v %v", cat.Products, err)
		}
		if page := consolePage(t, b, "/events/devcon/catalogue"); page.doc.Find(".code-only-badge").Length() != 2 {
			t.Fatalf("%d badges on the catalogue", page.doc.Find(".code-only-badge").Length())
		}
	})

	t.Run("fulfilment staff do not manage codes", func(t *testing.T) {
		if r := fulfilmentMember(t, s, ev).get("/events/devcon/vouchers"); r.status != http.StatusNotFound {
			t.Fatalf("fulfilment: %d", r.status)
		}
	})
}
