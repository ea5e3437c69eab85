package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"marquee/db/dbtest"
	"marquee/storefront"
)

// TestConsoleWaitlist: staff see an option's waiting list in line order
// (place, email, language, quantity, state, offer's end), paginated,
// linked from the dashboard's demand and the catalogue; they take a
// waiting person off after asking, not one holding an offer; another
// event's options and entries are not found here.
func TestConsoleWaitlist(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	zero := 0
	cap, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Cap"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Red"}, Stock: &zero}, {Label: storefront.Text{"en": "Blue"}, Stock: &zero}}})
	if err != nil {
		t.Fatal(err)
	}
	red, blue := cap.Variants[0].ID, cap.Variants[1].ID
	for i, who := range []struct {
		email, lang string
		qty         int
	}{{"first@example.com", "en", 1}, {"zweite@example.com", "de", 2}, {"third@example.com", "en", 1}} {
		if _, err := s.db.JoinWaitlist(ctx, ev.ID, red, who.email, who.lang, who.qty); err != nil {
			t.Fatalf("joining %d: %v", i, err)
		}
	}
	for i := range 55 {
		if _, err := s.db.JoinWaitlist(ctx, ev.ID, blue, fmt.Sprintf("blue%02d@example.com", i), "en", 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.db.AdjustStock(ctx, ev.ID, red, 1, "found one", "test"); err != nil {
		t.Fatal(err)
	}
	if offers, err := s.db.OfferReturnedStock(ctx, ev.ID, red, nil); err != nil || len(offers) != 1 {
		t.Fatalf("offers %v %v", offers, err)
	}
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := s.db.AddProduct(ctx, other.ID, storefront.Product{Name: storefront.Text{"en": "Their cap"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}, Stock: &zero}}})
	if err != nil {
		t.Fatal(err)
	}
	theirEntry, err := s.db.JoinWaitlist(ctx, other.ID, theirs.Variants[0].ID, "theirs@example.com", "en", 1)
	if err != nil {
		t.Fatal(err)
	}
	b := signedInMember(t, s)
	redList := "/events/devcon/waitlist/" + red.String()

	t.Run("the list in line order with what each person asked for", func(t *testing.T) {
		page := consolePage(t, b, redList)
		if h1 := page.text("h1"); h1 != "Waiting list: Cap · Red" {
			t.Errorf("heading %q", h1)
		}
		rows := page.doc.Find("table.waitlist tbody tr")
		if rows.Length() != 3 || page.text("#waitlist-waiting") != "2" || page.text("#waitlist-units") != "3" || page.text("#waitlist-stock") != "0" {
			t.Fatalf("%d rows, waiting %q, units %q, stock %q", rows.Length(), page.text("#waitlist-waiting"), page.text("#waitlist-units"), page.text("#waitlist-stock"))
		}
		first, second := rows.Eq(0), rows.Eq(1)
		if first.Find(".email").Text() != "first@example.com" || first.Find(".state").Text() != "Holds an offer" ||
			!strings.Contains(first.Find(".offer").Text(), "CET") || first.Find(".place").Text() != "" || first.Find("a.remove-entry").Length() != 0 {
			t.Errorf("the entry holding the offer: %q", first.Text())
		}
		if second.Find(".place").Text() != "1" || second.Find(".email").Text() != "zweite@example.com" || second.Find(".language").Text() != "Deutsch" ||
			second.Find(".quantity").Text() != "2" || second.Find(".state").Text() != "Waiting" || second.Find(".offer").Text() != "" ||
			second.Find("a.remove-entry").Length() != 1 {
			t.Errorf("the first waiting: %q", second.Text())
		}
	})
	t.Run("a long list is paginated by 50", func(t *testing.T) {
		page := consolePage(t, b, "/events/devcon/waitlist/"+blue.String())
		if n := page.doc.Find("table.waitlist tbody tr").Length(); n != 50 || page.doc.Find("nav.pager a.prev").Length() != 0 {
			t.Fatalf("first page: %d rows", n)
		}
		next, _ := page.doc.Find("nav.pager a.next").Attr("href")
		second := consolePage(t, b, next)
		if rows := second.doc.Find("table.waitlist tbody tr"); rows.Length() != 5 || rows.Eq(0).Find(".place").Text() != "51" {
			t.Fatalf("second page (%s): %d rows", next, rows.Length())
		}
	})
	t.Run("the dashboard shows the demand per sold-out option, most wanted first, linking to the lists", func(t *testing.T) {
		page := consolePage(t, b, "/events/devcon/dashboard")
		rows := page.doc.Find("table.demand tbody tr")
		if rows.Length() != 2 || rows.Eq(0).Find(".people").Text() != "55" || rows.Eq(1).Find(".people").Text() != "2" ||
			rows.Eq(1).Find(".units").Text() != "3" || rows.Eq(1).Find("th").Text() != "Cap · Red" {
			t.Fatalf("demand rows: %q", rows.Text())
		}
		if href, _ := rows.Eq(1).Find("a").Attr("href"); href != redList {
			t.Errorf("the link %q", href)
		}
	})
	t.Run("the catalogue links each limited option to its list with its length", func(t *testing.T) {
		page := consolePage(t, b, "/events/devcon/catalogue")
		link := page.doc.Find(`tr[data-variant="` + red.String() + `"] a.waitlist-link`)
		if href, _ := link.Attr("href"); href != redList || !strings.HasPrefix(link.Text(), "Waiting list (2)") {
			t.Fatalf("the catalogue's link %q to %q", link.Text(), href)
		}
	})

	list, _, err := s.db.WaitlistOf(ctx, ev.ID, red, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	offered, waiting := list[0], list[1]
	removePath := func(id fmt.Stringer) string { return "/events/devcon/waitlist/entries/" + id.String() + "/remove" }
	csrf := csrfOf(consolePage(t, b, redList))

	t.Run("removing asks first, then deletes the entry and the line moves up", func(t *testing.T) {
		ask := consolePage(t, b, removePath(waiting.ID))
		if ask.doc.Find("form[method=post] button").Length() == 0 || !strings.Contains(ask.text("h1"), "zweite@example.com") {
			t.Fatalf("the question: %q", ask.text("h1"))
		}
		r := b.post(removePath(waiting.ID), url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != redList+"?saved=waitlist_removed" {
			t.Fatalf("remove: %d to %q", r.status, r.header.Get("Location"))
		}
		page := consolePage(t, b, r.header.Get("Location"))
		if page.text("#flash") != enMessage(s, "console.waitlist.removed") || strings.Contains(page.text("table.waitlist"), "zweite@example.com") {
			t.Fatalf("after: flash %q, list %q", page.text("#flash"), page.text("table.waitlist"))
		}
		if page.doc.Find("table.waitlist tbody tr").Eq(1).Find(".place").Text() != "1" {
			t.Error("the next person did not move up")
		}
		if r := b.post(removePath(waiting.ID), url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound {
			t.Errorf("removing twice: %d", r.status)
		}
	})
	t.Run("a removal without the session's token is refused", func(t *testing.T) {
		rest, _, _ := s.db.WaitlistOf(ctx, ev.ID, red, 10, 0)
		if r := b.post(removePath(rest[1].ID), url.Values{"csrf": {"forged"}}); r.status != http.StatusForbidden {
			t.Fatalf("forged: %d", r.status)
		}
		if _, err := s.db.WaitlistEntry(ctx, ev.ID, rest[1].ID); err != nil {
			t.Fatalf("the entry went: %v", err)
		}
	})
	t.Run("an entry holding an offer is not removed", func(t *testing.T) {
		ask := consolePage(t, b, removePath(offered.ID))
		if !strings.Contains(ask.text(".effects, main"), "holds an offer") {
			t.Errorf("the question does not say it holds an offer: %q", ask.text("main"))
		}
		if r := b.post(removePath(offered.ID), url.Values{"csrf": {csrf}}); r.status != http.StatusConflict {
			t.Fatalf("remove: %d", r.status)
		}
		if e, err := s.db.WaitlistEntry(ctx, ev.ID, offered.ID); err != nil || e.State != storefront.EntryOffered {
			t.Fatalf("the entry: %+v %v", e, err)
		}
	})
	t.Run("another event's option and entry are not found here", func(t *testing.T) {
		for _, path := range []string{"/events/devcon/waitlist/" + theirs.Variants[0].ID.String(), removePath(theirEntry.ID), "/events/devcon/waitlist/not-a-uuid",
			"/events/other/waitlist/" + red.String()} {
			if r := b.get(path); r.status != http.StatusNotFound {
				t.Errorf("GET %s: %d", path, r.status)
			}
		}
		if r := b.post(removePath(theirEntry.ID), url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound {
			t.Fatalf("POST: %d", r.status)
		}
		if _, err := s.db.WaitlistEntry(ctx, other.ID, theirEntry.ID); err != nil {
			t.Fatalf("their entry went: %v", err)
		}
	})
	t.Run("who looked at a list and whom they took off is in the audit log, without the address", func(t *testing.T) {
		if n := dbtest.CountIn(t, s.db, ev.ID, "SELECT count(*) FROM audit_log WHERE action = 'waitlist_viewed' AND subject = 'Cap · Red'"); n < 3 {
			t.Errorf("%d views of the red cap's list recorded", n)
		}
		if n := dbtest.CountIn(t, s.db, ev.ID, "SELECT count(*) FROM audit_log WHERE action = 'waitlist_entry_removed' AND subject = 'Cap · Red'"); n != 1 {
			t.Errorf("%d removals recorded, want 1", n)
		}
		if n := dbtest.CountIn(t, s.db, ev.ID, "SELECT count(*) FROM audit_log WHERE subject LIKE '%zweite%'"); n != 0 {
			t.Errorf("the audit log keeps the removed address (%d rows)", n)
		}
	})
	t.Run("fulfilment staff see the list and take people off", func(t *testing.T) {
		f := fulfilmentMember(t, s, ev)
		page := consolePage(t, f, redList)
		rest, _, _ := s.db.WaitlistOf(ctx, ev.ID, red, 10, 0)
		if r := f.post(removePath(rest[1].ID), url.Values{"csrf": {csrfOf(page)}}); r.status != http.StatusSeeOther {
			t.Fatalf("fulfilment's removal: %d", r.status)
		}
	})
}
