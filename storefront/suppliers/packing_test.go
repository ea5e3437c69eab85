package suppliers

import (
	"slices"
	"testing"
)

func TestXLSXPackingSheet(t *testing.T) {
	lines := fiveOrders()[:5] // M-1 Anna, M-2 Ben, M-3 Anna
	lines[0].ItemAnswers = map[string]any{"print_name": "ANNA"}
	lines[2].ShipTo = nil // Ben collects his at the venue
	f := openXLSX(t, lines, itemFields())
	rows, err := f.GetRows(SheetPacking)
	if err != nil {
		t.Fatal(err)
	}
	address := []string{"Hauptstraße 1", "10115 Berlin", "Deutschland"}
	items := []string{"product", "variant", "quantity", "Aufdruck", "Rückennummer", "Gift wrap", "Farbe", "Extras"}
	want := [][]string{
		// Anna's two orders come together, before Ben's.
		{"order", "M-1"},
		{"recipient", "Anna"},
		{"address", address[0]},
		{"", address[1]},
		{"", address[2]},
		items,
		{"Hoodie", "S", "1", "ANNA"},
		{"Cap", "One size", "1"},
		nil,
		{"order", "M-3"},
		{"recipient", "Anna"},
		{"address", address[0]},
		{"", address[1]},
		{"", address[2]},
		items,
		{"Hoodie", "L", "1"},
		{"Hoodie", "M", "1"},
		nil,
		{"order", "M-2"},
		{"recipient", "Ben"},
		items,
		{"Hoodie", "M", "2"},
	}
	if len(rows) != len(want) {
		t.Fatalf("packing has %d rows, want %d:\n%q", len(rows), len(want), rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
	checkCells(t, f, SheetPacking, []wantCell{{"C7", "1", "number"}, {"C22", "2", "number"}})
	for _, ref := range []string{"A1", "A2", "A3", "A6", "C6", "A19"} {
		if !bold(t, f, SheetPacking, ref) {
			t.Errorf("label %s is not bold", ref)
		}
	}
}
