package console

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/themes"
)

func TestDashboardRevenueAndSoldOut(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	hoodie, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Hoodie"}, Visible: true, PriceMinor: 3500,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "S"}, Stock: intp(1)}, {Label: storefront.Text{"en": "M"}, Stock: intp(3), Position: 1},
			{Label: storefront.Text{"en": "L"}, Stock: intp(40), Position: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	place := func(variant, qty int) string { return dbtest.PlaceLine(t, s.db, ev.ID, hoodie, variant, qty).Number }
	place(0, 1) // the last S: sold out
	place(1, 2)
	cancelled := place(2, 3)
	if _, err := s.db.ChangeOrderStatus(ctx, ev.ID, cancelled, storefront.StatusCancelled, "", uuid.New()); err != nil {
		t.Fatal(err)
	}
	r := signedInMember(t, s).get("/events/devcon/dashboard")
	if r.status != http.StatusOK {
		t.Fatalf("dashboard: %d", r.status)
	}

	t.Run("revenue is the sum of the orders' totals in the event's currency, cancelled ones left out", func(t *testing.T) {
		if got := r.text("#revenue"); got != "€105.00" {
			t.Errorf("revenue %q, want €105.00 (3 hoodies at €35; the cancelled 3 left out)", got)
		}
		if got := r.text("#orders-14"); got != "2" {
			t.Errorf("orders in 14 days %q, want 2", got)
		}
	})
	t.Run("an option with no stock left says Sold out, not low", func(t *testing.T) {
		rows := r.doc.Find("table.matrix tbody tr")
		small, medium, large := rows.Eq(0), rows.Eq(1), rows.Eq(2)
		if got := strings.Join(strings.Fields(small.Find(".stock").Text()), " "); got != "0 Sold out" || !small.HasClass("out-of-stock") {
			t.Errorf("S stock %q, want 0 Sold out", got)
		}
		if got := strings.Join(strings.Fields(medium.Find(".stock").Text()), " "); got != "1 low" || !medium.HasClass("low-stock") {
			t.Errorf("M stock %q, want 1 low", got)
		}
		if got := strings.TrimSpace(large.Find(".stock").Text()); got != "40" || large.Find(".badge").Length() != 0 {
			t.Errorf("L stock %q, want 40 with no mark (the cancelled order gave its 3 back)", got)
		}
	})
	t.Run("the chart has an axis, round ticks, a date under every bar and the same numbers as a table", func(t *testing.T) {
		if n := r.doc.Find("svg.chart line.axis").Length(); n != 1 {
			t.Errorf("%d x axes", n)
		}
		var ticks []string
		r.doc.Find("svg.chart text.tick").Each(func(_ int, s *goquery.Selection) { ticks = append(ticks, s.Text()) })
		if strings.Join(ticks, ",") != "0,1,2" {
			t.Errorf("ticks %q, want 0,1,2 for a busiest day of 2", ticks)
		}
		if n := r.doc.Find("svg.chart g.bar text.day").Length(); n != 14 {
			t.Errorf("%d day labels, want 14", n)
		}
		today := r.doc.Find("details.chart-table tbody tr").Last()
		if got := today.Find("td").Text(); got != "2" || today.Find("th").Text() != time.Now().In(berlin(t)).Format("2 Jan 2006") {
			t.Errorf("the table's last row %q: %q", today.Find("th").Text(), got)
		}
		if width, _ := r.doc.Find("svg.chart").Attr("width"); width != "100%" {
			t.Errorf("the chart is %q wide, want the column's width", width)
		}
	})
}

func TestOrdersChartTicks(t *testing.T) {
	for _, c := range []struct {
		most int
		want string
	}{{0, "0,1"}, {1, "0,1"}, {3, "0,1,2,3"}, {4, "0,1,2,3,4"}, {5, "0,2,4,6"}, {9, "0,5,10"}, {37, "0,10,20,30,40"}, {120, "0,50,100,150"}} {
		set, err := themes.Load()
		if err != nil {
			t.Fatal(err)
		}
		days := []storefront.DayCount{{Day: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)}, {Day: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), Orders: c.most}}
		chart := ordersChart(days, set.NewPage("en", nil, nil))
		var got []string
		for _, tk := range chart.Ticks {
			got = append(got, strconv.Itoa(tk.Count))
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("busiest day %d: ticks %v, want %s", c.most, got, c.want)
		}
		if bar := chart.Bars[1]; c.most > 0 && bar.Y != chart.Ticks[len(chart.Ticks)-1].Y+(chartBase-chartTop)-bar.H {
			t.Errorf("busiest day %d: bar top %d, height %d", c.most, bar.Y, bar.H)
		}
		if chart.Bars[1].Minor || !chart.Bars[0].Minor {
			t.Errorf("today's date must always show, the day before only in a wide column")
		}
	}
}
