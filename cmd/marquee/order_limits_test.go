package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestPerAttendeeLimitIsStated: the shirt of newShop allows one per
// attendee.
func TestPerAttendeeLimitIsStated(t *testing.T) {
	s := startServer(t, defaultConfig())
	sh := newShop(t, s, "limits")

	t.Run("the product page states the per-attendee limit", func(t *testing.T) {
		r := sh.do(http.MethodGet, "/products/"+sh.shirt.ID.String(), "", "")
		if r.status != 200 || r.text("#max-per-attendee") != "At most 1 per attendee." {
			t.Fatalf("status %d, limit %q", r.status, r.text("#max-per-attendee"))
		}
		de := sh.do(http.MethodGet, "/products/"+sh.shirt.ID.String()+"?lang=de", "", "")
		if got, want := de.text("#max-per-attendee"), german(t, "catalogue.max_per_attendee", "Count", 1); got != want {
			t.Errorf("German limit %q, want %q", got, want)
		}
	})
	t.Run("the quantity input's max is the per-attendee limit", func(t *testing.T) {
		r := sh.do(http.MethodGet, "/order", "", "")
		if max, _ := r.doc.Find(`input[name="line.0.quantity"]`).Attr("max"); max != "1" {
			t.Fatalf("shirt quantity max %q, want 1", max)
		}
		if max, _ := r.doc.Find(`input[name="line.1.quantity"]`).Attr("max"); max != "20" {
			t.Errorf("hoodie (no limit) quantity max %q, want the form's 20", max)
		}
	})
	t.Run("a first order over the limit is told the limit, not that it already ordered", func(t *testing.T) {
		r := sh.post("/order", with(sh.validOrder(), "line.0.quantity", "2"))
		if r.status != http.StatusConflict {
			t.Fatalf("status %d, want 409", r.status)
		}
		got := r.text("#line-0 p.error")
		if got != "At most 1 of this item per attendee." {
			t.Errorf("line error %q", got)
		}
		if summary := r.text("#problems li"); summary != got {
			t.Errorf("summary %q, want the line's message %q", summary, got)
		}
		if strings.Contains(r.body, "already ordered") || sh.orders() != 0 {
			t.Errorf("says already ordered, or wrote an order (%d)", sh.orders())
		}
	})
	t.Run("an order within the limit after an earlier one is told it already ordered", func(t *testing.T) {
		if r := sh.post("/order", sh.validOrder()); r.status != http.StatusSeeOther {
			t.Fatalf("first order: %d %s", r.status, r.text("#problems"))
		}
		r := sh.post("/order", sh.validOrder())
		if r.status != http.StatusConflict || r.text("#line-0 p.error") != "You have already ordered as many of this item as one person may." {
			t.Fatalf("second order: %d %q", r.status, r.text("#line-0 p.error"))
		}
	})
}
