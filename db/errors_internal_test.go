package db

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"marquee"
)

// TestStoreErrorIsTheOneBoundary checks the table from database errors to
// the error vocabulary that every store method goes through.
func TestStoreErrorIsTheOneBoundary(t *testing.T) {
	slugTaken := &pgconn.PgError{Code: pgerrcode.UniqueViolation, ConstraintName: "tenants_slug_key"}
	otherUnique := &pgconn.PgError{Code: pgerrcode.UniqueViolation, ConstraintName: "domains_hostname_key"}
	badWindow := &pgconn.PgError{Code: pgerrcode.CheckViolation, ConstraintName: "products_sales_window"}
	soldOut := &marquee.Error{Code: marquee.ECONFLICT, Message: "order.sold_out", Field: "item.0"}
	tests := []struct {
		name     string
		err      error
		meanings []meaning
		code     string
		message  string
		field    string
	}{
		{"a query that found no row is not found, with the caller's message",
			fmt.Errorf("get: %w", pgx.ErrNoRows), []meaning{noRowIs(marquee.New(marquee.ENOTFOUND, "order.not_found"))},
			marquee.ENOTFOUND, "order.not_found", ""},
		{"no row can mean a conflict where the row is the guard",
			pgx.ErrNoRows, []meaning{noRowIs(soldOut)}, marquee.ECONFLICT, "order.sold_out", "item.0"},
		{"a taken value of the named unique constraint is a conflict on its field",
			slugTaken, []meaning{uniqueViolationIs("tenants_slug_key", "slug", "slug.taken")},
			marquee.ECONFLICT, "slug.taken", "slug"},
		{"another unique constraint is not mistaken for it",
			otherUnique, []meaning{uniqueViolationIs("tenants_slug_key", "slug", "slug.taken")}, marquee.EINTERNAL, "error.internal", ""},
		{"a check violation of any constraint can be invalid input",
			badWindow, []meaning{violationIs(pgerrcode.CheckViolation, "", marquee.Invalid("sales_close", "catalogue.window_invalid"))},
			marquee.EINVALID, "catalogue.window_invalid", "sales_close"},
		{"an error of the vocabulary already is kept, even when it wraps no row",
			marquee.Wrap(marquee.ENOTFOUND, "staff.link_invalid", pgx.ErrNoRows),
			[]meaning{noRowIs(marquee.New(marquee.ENOTFOUND, msgNotFound))}, marquee.ENOTFOUND, "staff.link_invalid", ""},
		{"an error no meaning recognises stays internal",
			errors.New("boom"), []meaning{noRowIs(soldOut)}, marquee.EINTERNAL, "error.internal", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := storeError(tc.err, tc.meanings...)
			if marquee.ErrorCode(got) != tc.code || marquee.ErrorMessage(got) != tc.message || marquee.ErrorField(got) != tc.field {
				t.Fatalf("storeError(%v) = %v; want %s %s (%q)", tc.err, got, tc.code, tc.message, tc.field)
			}
			if !errors.Is(got, tc.err) {
				t.Errorf("storeError(%v) = %v lost its cause", tc.err, got)
			}
		})
	}
	t.Run("nil is nil", func(t *testing.T) {
		if err := storeError(nil, noRowIs(soldOut)); err != nil {
			t.Fatalf("storeError(nil) = %v", err)
		}
	})
	t.Run("a change that touched no row is not found", func(t *testing.T) {
		if err := touched(0, nil); marquee.ErrorCode(err) != marquee.ENOTFOUND || marquee.ErrorMessage(err) != msgNotFound {
			t.Fatalf("touched(0, nil) = %v", err)
		}
		if err := touched(1, nil); err != nil {
			t.Fatalf("touched(1, nil) = %v", err)
		}
	})
}
