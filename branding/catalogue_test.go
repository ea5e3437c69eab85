package branding

import (
	"strings"
	"testing"

	"marquee"
)

func TestCatalogueEditingRules(t *testing.T) {
	t.Run("a stock change keeps its reason, trimmed", func(t *testing.T) {
		reason, err := CheckStockAdjustment(-2, "  two shirts damaged ")
		if err != nil || reason != "two shirts damaged" {
			t.Fatalf("CheckStockAdjustment = %q, %v", reason, err)
		}
	})
	refused := []struct {
		name   string
		delta  int
		reason string
		field  string
		msg    string
	}{
		{"a stock change of nothing is refused on the delta", 0, "recount", "delta", "catalogue.delta_zero"},
		{"a stock change needs a reason", 5, "   ", "reason", "catalogue.reason_required"},
		{"a reason over 500 bytes is refused", 5, strings.Repeat("x", 501), "reason", "catalogue.reason_required"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CheckStockAdjustment(tc.delta, tc.reason)
			if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorField(err) != tc.field || marquee.ErrorMessage(err) != tc.msg {
				t.Fatalf("CheckStockAdjustment(%d, %q) = %v", tc.delta, tc.reason, err)
			}
		})
	}
	t.Run("a product's last option cannot be removed", func(t *testing.T) {
		if err := CheckOptionRemoval(1); marquee.ErrorCode(err) != marquee.ECONFLICT || marquee.ErrorMessage(err) != "catalogue.last_variant" {
			t.Fatalf("CheckOptionRemoval(1) = %v", err)
		}
	})
	t.Run("one of several options can be removed", func(t *testing.T) {
		if err := CheckOptionRemoval(2); err != nil {
			t.Fatalf("CheckOptionRemoval(2) = %v", err)
		}
	})
}
