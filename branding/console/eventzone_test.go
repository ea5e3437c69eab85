package console

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/themes"
)

// TestConsoleTimesInTheEventsZone: an event in New York shows its
// orders' times in New York's time, the zone named; its dashboard counts
// an order placed at 23:30 there on that day; the platform's pages, about
// no event, say UTC.
func TestConsoleTimesInTheEventsZone(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	settings, err := s.db.Settings(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	settings.TimeZone = "America/New_York"
	if err := s.db.SaveSettings(ctx, ev.ID, settings); err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	shirt, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Shirt"}, Visible: true, PriceMinor: 1500,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "M"}}}})
	if err != nil {
		t.Fatal(err)
	}
	// Placed yesterday at 23:30 in New York: today already in UTC.
	y := time.Now().In(newYork).AddDate(0, 0, -1)
	late := time.Date(y.Year(), y.Month(), y.Day(), 23, 30, 0, 0, newYork)
	o := dbtest.PlaceLine(t, s.db, ev.ID, shirt, 0, 1)
	dbtest.Exec(t, s.adminURL, "UPDATE orders SET created_at = $1 WHERE id = $2", late, o.ID)
	dbtest.Exec(t, s.adminURL, "UPDATE order_status_history SET created_at = $1 WHERE order_id = $2", late, o.ID)
	want := late.Format("2 Jan 2006") + ", 23:30 " + late.Format("MST") // EST or EDT
	if !strings.HasSuffix(want, "23:30 EST") && !strings.HasSuffix(want, "23:30 EDT") {
		t.Fatalf("the zone's abbreviation %q", want)
	}

	b := fulfilmentMember(t, s, ev)
	t.Run("the order's history is in the event's time, the zone named", func(t *testing.T) {
		r := b.do(http.MethodGet, "/events/devcon/orders/"+o.Number, "", "")
		if r.status != http.StatusOK {
			t.Fatalf("order: %d", r.status)
		}
		if got := r.text("ol.history li .when"); got != want {
			t.Errorf("placed at %q, want %q", got, want)
		}
	})
	t.Run("the orders list too, and its days are the event's", func(t *testing.T) {
		day := late.Format(time.DateOnly)
		r := b.do(http.MethodGet, "/events/devcon/orders?from="+day+"&until="+day, "", "")
		rows := r.doc.Find("table.orders tbody tr")
		if rows.Length() != 1 || rows.Find("td a").Text() != o.Number {
			t.Fatalf("orders of %s: %d rows", day, rows.Length())
		}
		placed := rows.Find(`td`).FilterFunction(func(_ int, td *goquery.Selection) bool { return td.Is(":last-child") })
		if got := strings.TrimSpace(placed.Text()); got != want {
			t.Errorf("placed at %q, want %q", got, want)
		}
	})
	t.Run("the dashboard counts the order on the event's day", func(t *testing.T) {
		r := signedInMember(t, s).get("/events/devcon/dashboard")
		if r.status != http.StatusOK {
			t.Fatalf("dashboard: %d", r.status)
		}
		counts := map[string]string{}
		r.doc.Find("details.chart-table tbody tr").Each(func(_ int, tr *goquery.Selection) {
			counts[tr.Find("th").Text()] = tr.Find("td").Text()
		})
		if got := counts[late.Format("2 Jan 2006")]; got != "1" {
			t.Errorf("orders on %s: %q, want 1 (%v)", late.Format("2 Jan 2006"), got, counts)
		}
		if got := counts[late.AddDate(0, 0, 1).Format("2 Jan 2006")]; got != "0" {
			t.Errorf("orders on the day after: %q, want 0", got)
		}
	})
}

// TestConsoleTimeNamesTheZone: a time about no event (the inbox, failed
// jobs, the platform's events) is in UTC and says so; one about an event
// is in its zone, named.
func TestConsoleTimeNamesTheZone(t *testing.T) {
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2027, 4, 9, 16, 0, 0, 0, time.UTC)
	p := set.NewPage("en", nil, nil)
	if got := consoleTime(p, at); got != "9 Apr 2027, 16:00 UTC" {
		t.Errorf("about no event: %q", got)
	}
	p.Zone = berlin(t)
	if got := consoleTime(p, at); got != "9 Apr 2027, 18:00 CEST" {
		t.Errorf("in Berlin: %q", got)
	}
}

// berlin is the zone of an event that never chose one.
func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(storefront.DefaultTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
