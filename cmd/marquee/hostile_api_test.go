package main

import (
	"testing"
)

// walkAPIIDs gives the REST API's catalogue routes the walk event's real
// ids (its shirt, the shirt's first option, a form field) and adds their
// JSON fields to the names the walk sends.
func walkAPIIDs(t *testing.T, w *walker) {
	t.Helper()
	product, option := w.store.shirt.ID.String(), w.store.shirt.Variants[0].ID.String()
	for _, route := range []string{"/products/:id", "/products/:id/options"} {
		w.real["api /api/v1/events/:slug"+route] = map[string]string{"slug": "walk", "id": product}
	}
	for _, route := range []string{"/options/:id", "/options/:id/stock-adjustments"} {
		w.real["api /api/v1/events/:slug"+route] = map[string]string{"slug": "walk", "id": option}
	}
	w.jsonNames = append(w.jsonNames, "description", "price_minor", "max_per_order", "max_per_attendee", "sales_open_at",
		"sales_close_at", "visible", "options", "label", "stock", "delta", "reason", "key", "scope", "type", "help", "required",
		"min_length", "max_length", "min", "max", "min_date", "max_date", "integer", "position", "show_if", "direction")
	w.queryNames["cursor"] = true
}
