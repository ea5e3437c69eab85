package suppliers

import (
	"slices"
	"testing"
)

func TestSizeMatrix(t *testing.T) {
	m := SizeMatrix(fiveOrders())
	if want := []string{"Hoodie", "Cap"}; !slices.Equal(m.Products, want) {
		t.Errorf("products = %q, want %q", m.Products, want)
	}
	if want := []string{"S", "One size", "M", "L"}; !slices.Equal(m.Variants, want) {
		t.Errorf("variants = %q, want %q (first seen, not sorted)", m.Variants, want)
	}
	qty := map[[2]string]int{
		{"Hoodie", "S"}: 2, {"Hoodie", "M"}: 4, {"Hoodie", "L"}: 1, {"Hoodie", "One size"}: 0,
		{"Cap", "One size"}: 5, {"Cap", "S"}: 0,
	}
	for k, want := range qty {
		if got := m.Qty[k]; got != want {
			t.Errorf("Qty[%q] = %d, want %d", k, got, want)
		}
	}
	if m.RowTotal["Hoodie"] != 7 || m.RowTotal["Cap"] != 5 {
		t.Errorf("row totals = %v, want Hoodie 7, Cap 5", m.RowTotal)
	}
	wantCols := map[string]int{"S": 2, "One size": 5, "M": 4, "L": 1}
	for v, want := range wantCols {
		if m.ColTotal[v] != want {
			t.Errorf("ColTotal[%q] = %d, want %d", v, m.ColTotal[v], want)
		}
	}
	if m.Total != 12 {
		t.Errorf("Total = %d, want 12", m.Total)
	}
	t.Run("no lines make an empty matrix", func(t *testing.T) {
		m := SizeMatrix(nil)
		if len(m.Products) != 0 || len(m.Variants) != 0 || m.Total != 0 {
			t.Errorf("matrix = %+v", m)
		}
	})
}
