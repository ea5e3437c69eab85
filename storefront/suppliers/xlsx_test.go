package suppliers

import (
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestXLSXLinesSheet(t *testing.T) {
	f := openXLSX(t, unicodeLines(), itemFields())

	t.Run("the sheets are Lines, Size matrix and Packing", func(t *testing.T) {
		if got, want := f.GetSheetList(), []string{SheetLines, SheetMatrix, SheetPacking}; !slices.Equal(got, want) {
			t.Errorf("sheets = %q, want %q", got, want)
		}
	})
	t.Run("the header is the CSV's, bold and frozen", func(t *testing.T) {
		rows, _ := f.GetRows(SheetLines)
		if !slices.Equal(rows[0], wantHeader) {
			t.Errorf("header = %q\nwant     %q", rows[0], wantHeader)
		}
		for col := range wantHeader {
			ref, _ := excelize.CoordinatesToCellName(col+1, 1)
			if !bold(t, f, SheetLines, ref) {
				t.Errorf("header %s is not bold", ref)
			}
		}
		if bold(t, f, SheetLines, "A2") {
			t.Error("a data row is bold")
		}
		panes, err := f.GetPanes(SheetLines)
		if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
			t.Errorf("panes = %+v, %v; want the first row frozen", panes, err)
		}
	})
	t.Run("cells keep their Unicode and their types", func(t *testing.T) {
		checkCells(t, f, SheetLines, []wantCell{
			{"A2", "M-1001", "text"},
			{"B2", "2026-03-01 09:30:00 UTC", "date"},
			{"C2", "Kapuzenpulli Größe", "text"},
			{"D2", "M", "text"},
			{"E2", "2", "number"},
			{"F2", "JÜRGEN 🎉", "text"},
			{"G2", "7", "number"},
			{"H2", "TRUE", "bool"},
			{"I2", "Marineblau", "text"},
			{"J2", "Ärmeldruck, Namensschild", "text"},
			{"K2", "Jürgen Groß", "text"},
			{"L2", "Hauptstraße 1, 10115 Berlin, Deutschland", "text"},
			{"M2", "DE", "text"},
			{"C3", "東京 Tシャツ", "text"},
			{"F3", "", ""},
			{"G3", "2.5", "number"},
			{"H3", "FALSE", "bool"},
			{"K3", "山田 花子", "text"},
			{"M3", "JP", "text"},
			{"C4", "Cap 🧢", "text"},
			{"E4", "3", "number"},
			{"G4", "10", "number"},
			{"K4", "Zoë 🦊", "text"},
			{"L4", "", ""},
		})
	})
	t.Run("placed_at is a real date", func(t *testing.T) {
		raw, _ := f.GetCellValue(SheetLines, "B2", excelize.Options{RawCellValue: true})
		// 2026-03-01 09:30 UTC as days since 1899-12-30.
		if want := "46082.395833333336"; !strings.HasPrefix(raw, want[:12]) {
			t.Errorf("B2 raw = %q, want about %s", raw, want)
		}
	})
	t.Run("the customer's answers are no column", func(t *testing.T) {
		rows, _ := f.GetRows(SheetLines)
		if slices.Contains(rows[0], "Phone") {
			t.Errorf("header %q shows a customer field", rows[0])
		}
	})
}

func TestXLSXSizeMatrixSheet(t *testing.T) {
	f := openXLSX(t, fiveOrders(), nil)
	checkCells(t, f, SheetMatrix, []wantCell{
		{"A1", "product", "text"}, {"B1", "S", "text"}, {"C1", "One size", "text"}, {"D1", "M", "text"}, {"E1", "L", "text"}, {"F1", "total", "text"},
		{"A2", "Hoodie", "text"}, {"B2", "2", "number"}, {"C2", "", ""}, {"D2", "4", "number"}, {"E2", "1", "number"}, {"F2", "7", "number"},
		{"A3", "Cap", "text"}, {"B3", "", ""}, {"C3", "5", "number"}, {"D3", "", ""}, {"E3", "", ""}, {"F3", "5", "number"},
		{"A4", "total", "text"}, {"B4", "2", "number"}, {"C4", "5", "number"}, {"D4", "4", "number"}, {"E4", "1", "number"}, {"F4", "12", "number"},
	})
	rows, _ := f.GetRows(SheetMatrix)
	if len(rows) != 4 {
		t.Errorf("matrix has %d rows, want 4", len(rows))
	}
	for _, ref := range []string{"A1", "F1", "A2", "A4"} {
		if !bold(t, f, SheetMatrix, ref) {
			t.Errorf("%s is not bold", ref)
		}
	}
	if panes, _ := f.GetPanes(SheetMatrix); !panes.Freeze || panes.XSplit != 1 || panes.YSplit != 1 {
		t.Errorf("panes = %+v, want the first row and column frozen", panes)
	}
}

func TestXLSXWithoutLines(t *testing.T) {
	f := openXLSX(t, nil, itemFields())
	rows, _ := f.GetRows(SheetLines)
	if len(rows) != 1 || !slices.Equal(rows[0], wantHeader) {
		t.Errorf("Lines = %q, want the header only", rows)
	}
	checkCells(t, f, SheetMatrix, []wantCell{{"A1", "product", "text"}, {"B1", "total", "text"}, {"A2", "total", "text"}, {"B2", "0", "number"}})
}
