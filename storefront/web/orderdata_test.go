package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront"
)

// TestAttendeeDownloadsTheirOrderData: the status page links to the
// order's data as JSON, with everything the shop keeps about the
// attendee in it; another order's signature, another event's host or a
// forged signature get a 404, and an erased order offers no download.
func TestAttendeeDownloadsTheirOrderData(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "dataconf")
	other := newShop(t, s, "elsewhere")
	u := placedOrder(t, sh)
	graces := sh.validOrder()
	graces.Set("name", "Grace Hopper")
	graces.Set("email", "grace@example.com")
	placed := sh.post("/order", graces)
	second, err := url.Parse(placed.header.Get("Location"))
	if placed.status != http.StatusSeeOther || err != nil {
		t.Fatalf("Grace's order: %d %v", placed.status, err)
	}
	number, sig := strings.TrimPrefix(u.Path, "/orders/"), u.Query().Get("sig")
	dataPath := "/orders/" + number + "/data.json?sig=" + url.QueryEscape(sig)

	status := sh.do(http.MethodGet, u.String(), "", "")
	if href, _ := status.doc.Find("a#order-data").Attr("href"); href != dataPath {
		t.Fatalf("the status page's download goes to %q, want %q", href, dataPath)
	}
	r := sh.do(http.MethodGet, dataPath, "", "")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") ||
		r.header.Get("Content-Disposition") != `attachment; filename="order-`+number+`.json"` || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("download: %d %q %q %q", r.status, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"), r.header.Get("Cache-Control"))
	}
	var data storefront.OrderData
	if err := json.Unmarshal([]byte(r.body), &data); err != nil {
		t.Fatal(err)
	}
	if data.Number != number || data.Name != "Ada Lovelace" || data.Email != "ada@example.com" || len(data.Items) != 2 ||
		data.Answers["consent"] != true || data.Items[0].Answers["print_name"] != "ADA" || len(data.History) != 1 {
		t.Errorf("the data: %+v", data)
	}

	t.Run("another order's signature, another event, a forged signature: 404", func(t *testing.T) {
		secondSig := second.Query().Get("sig")
		for _, c := range []struct {
			who  *shop
			path string
		}{
			{sh, "/orders/" + number + "/data.json?sig=" + url.QueryEscape(secondSig)},
			{sh, "/orders/" + strings.TrimPrefix(second.Path, "/orders/") + "/data.json?sig=" + url.QueryEscape(sig)},
			{other, dataPath},
			{sh, "/orders/" + number + "/data.json?sig=forged"},
			{sh, "/orders/" + number + "/data.json"},
		} {
			if r := c.who.do(http.MethodGet, c.path, "", ""); r.status != http.StatusNotFound || strings.Contains(r.body, "ada@example.com") {
				t.Errorf("%s: %d", c.path, r.status)
			}
		}
	})
	t.Run("after an erasure the page says so and the download holds nothing personal", func(t *testing.T) {
		if _, err := s.db.ErasePerson(context.Background(), sh.ev.ID, "ada@example.com", uuid.New()); err != nil {
			t.Fatal(err)
		}
		page := sh.do(http.MethodGet, u.String(), "", "")
		if page.doc.Find("a#order-data").Length() != 0 || page.text("#order-erased") != "The personal data of this order was erased." ||
			strings.Contains(page.text("dl.answers"), "Email") {
			t.Errorf("the erased order's page: %q", page.text("section.order-data"))
		}
		r := sh.do(http.MethodGet, dataPath, "", "")
		if r.status != http.StatusOK || strings.Contains(r.body, "Ada") || strings.Contains(r.body, "ada@") {
			t.Errorf("the erased order's data: %d %s", r.status, r.body)
		}
	})
}
