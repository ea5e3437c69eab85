package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"marquee/storefront/pickupqr"
	"marquee/tenant/staff"
)

func TestConsoleKiosks(t *testing.T) {
	s, ev, mia := consoleServer(t)
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	theirs, _, err := s.db.IssueKioskDevice(ctx, other.ID, staff.Staff{Email: "them@example.com"}, "Their stand")
	if err != nil {
		t.Fatal(err)
	}
	b := signedInMember(t, s)
	page := consolePage(t, b, "/events/devcon/kiosks")
	csrf := csrfOf(page)
	if page.doc.Find("a.nav-kiosks").Length() != 1 || page.text(".no-kiosks") != enMessage(s, "console.kiosks.none") {
		t.Fatalf("the empty page: nav %d, %q", page.doc.Find("a.nav-kiosks").Length(), page.text(".no-kiosks"))
	}
	stored := func() int {
		list, err := s.db.KioskDevices(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}

	t.Run("a name that is empty or too long is refused on its field and stores nothing", func(t *testing.T) {
		for name, typed := range map[string]string{"empty": "  ", "81 characters": strings.Repeat("n", 81)} {
			r := b.post("/events/devcon/kiosks", url.Values{"csrf": {csrf}, "name": {typed}})
			if field, _ := r.doc.Find("#problem").Attr("data-field"); r.status != http.StatusUnprocessableEntity || field != "name" {
				t.Fatalf("%s: %d on %q: %s", name, r.status, field, r.text("#problem"))
			}
			if v, _ := r.doc.Find("#kiosk-name").Attr("value"); v != typed || stored() != 0 || r.doc.Find("#kiosk-link").Length() != 0 {
				t.Fatalf("%s: kept %q, %d stored", name, v, stored())
			}
		}
	})

	var revoke string
	t.Run("a link is issued and shown once, as text and QR code", func(t *testing.T) {
		r := b.post("/events/devcon/kiosks", url.Values{"csrf": {csrf}, "name": {"Stand A"}})
		link, _ := r.doc.Find("a#kiosk-link").Attr("href")
		if r.status != http.StatusCreated || !strings.HasPrefix(link, "https://devcon."+testBase+"/kiosk/") || r.text("#kiosk-link") != link {
			t.Fatalf("issued: %d, link %q", r.status, link)
		}
		want, err := pickupqr.Encode(link)
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := r.doc.Find(`svg#kiosk-qr[role="img"] path`).Attr("d"); d != want.Path() {
			t.Fatal("the QR code is not the link's")
		}
		dev, err := s.db.KioskDeviceByToken(ctx, ev.ID, strings.TrimPrefix(link, "https://devcon."+testBase+"/kiosk/"))
		if err != nil || dev.Name != "Stand A" || dev.CreatedBy != mia.Email {
			t.Fatalf("the link's device: %+v, %v", dev, err)
		}
		list := consolePage(t, b, "/events/devcon/kiosks")
		row := list.doc.Find(`table.kiosks tr[data-device="` + dev.ID.String() + `"]`)
		if list.doc.Find("#kiosk-link").Length() != 0 || strings.Contains(list.body, link) {
			t.Fatal("the link is shown again")
		}
		if row.Find(".name").Text() != "Stand A" || row.Find(".by").Text() != mia.Email || row.Find(".state").Text() != enMessage(s, "console.kiosks.active") {
			t.Fatalf("listed %q", row.Text())
		}
		revoke, _ = row.Find("a.revoke").Attr("href")
	})

	t.Run("another event's device is not found and stays as it was", func(t *testing.T) {
		path := "/events/devcon/kiosks/" + theirs.ID.String() + "/revoke"
		if r := b.get(path); r.status != http.StatusNotFound {
			t.Fatalf("asking: %d", r.status)
		}
		if r := b.post(path, url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound {
			t.Fatalf("revoking: %d", r.status)
		}
		if r := b.post("/events/devcon/kiosks/not-an-id/revoke", url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound {
			t.Fatalf("revoking no id: %d", r.status)
		}
		if d, err := s.db.KioskDevice(ctx, other.ID, theirs.ID); err != nil || d.Revoked() {
			t.Fatalf("their device: %+v, %v", d, err)
		}
		if r := b.get("/events/other/kiosks"); r.status != http.StatusNotFound {
			t.Fatalf("another event's page: %d", r.status)
		}
	})

	t.Run("revoking asks first, then ends the link", func(t *testing.T) {
		ask := consolePage(t, b, revoke)
		if !strings.Contains(ask.text("h1"), "Stand A") {
			t.Fatalf("asked %q", ask.text("h1"))
		}
		r := b.post(revoke, url.Values{"csrf": {csrfOf(ask)}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/events/devcon/kiosks?saved=kiosk_revoked" {
			t.Fatalf("revoke: %d to %q", r.status, r.header.Get("Location"))
		}
		list := consolePage(t, b, r.header.Get("Location"))
		row := list.doc.Find("table.kiosks tr.revoked")
		if list.text("#flash") != enMessage(s, "console.kiosks.revoked_now") || row.Length() != 1 || row.Find("a.revoke").Length() != 0 ||
			!strings.HasPrefix(row.Find(".state").Text(), "Revoked ") {
			t.Fatalf("after revoking: %q, row %q", list.text("#flash"), row.Text())
		}
	})

	t.Run("fulfilment staff do not see the page", func(t *testing.T) {
		desk, _ := deskMember(t, s, ev, "desk@example.com", "Dee")
		if r := desk.get("/events/devcon/kiosks"); r.status != http.StatusNotFound {
			t.Fatalf("fulfilment: %d", r.status)
		}
	})
}
