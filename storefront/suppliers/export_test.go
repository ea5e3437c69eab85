package suppliers

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
)

// itemFields are an event's item-scope questions, plus a customer one
// that no supplier file may show.
func itemFields() []form.Field {
	return []form.Field{
		{Key: "phone", Scope: form.ScopeCustomer, Type: form.TypePhone, Label: map[string]string{"en": "Phone"}},
		{Key: "print_name", Scope: form.ScopeItem, Type: form.TypeText, Position: 1,
			Label: map[string]string{"en": "Name to print", "de": "Aufdruck"}},
		{Key: "number", Scope: form.ScopeItem, Type: form.TypeNumber, Position: 2,
			Label: map[string]string{"en": "Number", "de": "Rückennummer"}},
		{Key: "gift", Scope: form.ScopeItem, Type: form.TypeCheckbox, Position: 3,
			Label: map[string]string{"en": "Gift wrap"}},
		{Key: "colour", Scope: form.ScopeItem, Type: form.TypeSingleChoice, Position: 4,
			Label: map[string]string{"en": "Colour", "de": "Farbe"},
			Options: []form.Option{
				{Value: "navy", Label: map[string]string{"en": "Navy", "de": "Marineblau"}},
				{Value: "red", Label: map[string]string{"en": "Red", "de": "Rot"}},
			}},
		{Key: "extras", Scope: form.ScopeItem, Type: form.TypeMultipleChoice, Position: 5,
			Label: map[string]string{"en": "Extras"},
			Options: []form.Option{
				{Value: "sleeve", Label: map[string]string{"en": "Sleeve print", "de": "Ärmeldruck"}},
				{Value: "tag", Label: map[string]string{"en": "Name tag", "de": "Namensschild"}},
			}},
	}
}

// berlin is where the tests ship.
func berlin() *address.Address {
	return &address.Address{Name: "Anna Beispiel", Line1: "Hauptstraße 1", PostalCode: "10115", Locality: "Berlin", CountryCode: "de"}
}

// line returns a supplier line for an order of the given number.
func line(number, recipient, product, variant string, qty int) Line {
	return Line{
		OrderNumber: number,
		PlacedAt:    time.Date(2026, 3, 1, 10, 30, 0, 0, time.FixedZone("CET", 3600)),
		Product:     product,
		Variant:     variant,
		ProductID:   uuid.NewSHA1(uuid.NameSpaceOID, []byte(product)),
		VariantID:   uuid.NewSHA1(uuid.NameSpaceOID, []byte(product+"/"+variant)),
		Quantity:    qty,
		ShipTo:      berlin(),
		Recipient:   recipient,
	}
}

// unicodeLines are two orders in three scripts, with every kind of answer.
func unicodeLines() []Line {
	a := line("M-1001", "Jürgen Groß", "Kapuzenpulli Größe", "M", 2)
	a.ItemAnswers = map[string]any{
		"print_name": "JÜRGEN 🎉", "number": int64(7), "gift": true,
		"colour": "navy", "extras": []string{"sleeve", "tag"},
	}
	b := line("M-1002", "山田 花子", "東京 Tシャツ", "L", 1)
	b.ShipTo = &address.Address{Name: "山田 花子", Line1: "千代田1-1", PostalCode: "100-0001", Locality: "千代田区", Region: "13", CountryCode: "JP"}
	// As read back from JSONB: numbers are float64, lists are []any.
	b.ItemAnswers = map[string]any{"number": 2.5, "gift": false, "colour": "red", "extras": []any{"tag"}}
	c := line("M-1003", "Zoë 🦊", "Cap 🧢", "One size", 3)
	c.ShipTo = nil
	c.ItemAnswers = map[string]any{"number": json.Number("10")}
	return []Line{a, b, c}
}

// wantHeader is the header of the CSV and the Lines sheet in German.
var wantHeader = []string{"order", "placed_at", "product", "variant", "quantity",
	"Aufdruck", "Rückennummer", "Gift wrap", "Farbe", "Extras", "recipient", "address", "country_code"}

// readCSV checks the BOM and parses what WriteCSV wrote.
func readCSV(t *testing.T, lines []Line, fields []form.Field) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, lines, fields, "de", "en"); err != nil {
		t.Fatal(err)
	}
	body, ok := strings.CutPrefix(buf.String(), "\uFEFF")
	if !ok {
		t.Fatalf("CSV does not open with a UTF-8 BOM: % x", buf.Bytes()[:min(8, buf.Len())])
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// openXLSX builds the workbook and opens its bytes again.
func openXLSX(t *testing.T, lines []Line, fields []form.Field) *excelize.File {
	t.Helper()
	data, err := XLSX(lines, fields, "de", "en")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// cell reads one formatted cell.
func cell(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// cellType reads one cell's type. A number has no type attribute in
// OOXML, which excelize reports as CellTypeUnset.
func cellType(t *testing.T, f *excelize.File, sheet, ref string) excelize.CellType {
	t.Helper()
	ct, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

// checkCells compares cells by reference; kind is "text", "number",
// "bool", "date" or "" (empty cell).
func checkCells(t *testing.T, f *excelize.File, sheet string, want []wantCell) {
	t.Helper()
	for _, w := range want {
		if got := cell(t, f, sheet, w.ref); got != w.value {
			t.Errorf("%s!%s = %q, want %q", sheet, w.ref, got, w.value)
		}
		ct := cellType(t, f, sheet, w.ref)
		ok := map[string]bool{
			"text":   ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString,
			"number": ct == excelize.CellTypeUnset || ct == excelize.CellTypeNumber,
			"date":   ct == excelize.CellTypeUnset || ct == excelize.CellTypeNumber,
			"bool":   ct == excelize.CellTypeBool,
			"":       ct == excelize.CellTypeUnset,
		}[w.kind]
		if !ok {
			t.Errorf("%s!%s has type %v, want %s", sheet, w.ref, ct, w.kind)
		}
		if w.kind == "number" || w.kind == "date" {
			raw, _ := f.GetCellValue(sheet, w.ref, excelize.Options{RawCellValue: true})
			if raw == "" {
				t.Errorf("%s!%s holds no number", sheet, w.ref)
			}
		}
	}
}

// wantCell is one expected cell.
type wantCell struct{ ref, value, kind string }

func TestWriteCSV(t *testing.T) {
	rows := readCSV(t, unicodeLines(), itemFields())

	t.Run("the header names the columns, item fields in the language", func(t *testing.T) {
		if !slices.Equal(rows[0], wantHeader) {
			t.Errorf("header = %q\nwant     %q", rows[0], wantHeader)
		}
	})
	t.Run("one row per line, cell by cell", func(t *testing.T) {
		want := [][]string{
			{"M-1001", "2026-03-01T09:30:00Z", "Kapuzenpulli Größe", "M", "2",
				"JÜRGEN 🎉", "7", "TRUE", "Marineblau", "Ärmeldruck, Namensschild",
				"Jürgen Groß", "Hauptstraße 1, 10115 Berlin, Deutschland", "DE"},
			{"M-1002", "2026-03-01T09:30:00Z", "東京 Tシャツ", "L", "1",
				"", "2.5", "FALSE", "Rot", "Namensschild",
				"山田 花子", strings.Join(addressLines(unicodeLines()[1].ShipTo, "de"), ", "), "JP"},
			{"M-1003", "2026-03-01T09:30:00Z", "Cap 🧢", "One size", "3",
				"", "10", "", "", "",
				"Zoë 🦊", "", ""},
		}
		if len(rows) != 1+len(want) {
			t.Fatalf("got %d rows, want %d", len(rows), 1+len(want))
		}
		for i, w := range want {
			if !slices.Equal(rows[i+1], w) {
				t.Errorf("row %d = %q\nwant    %q", i+1, rows[i+1], w)
			}
		}
	})
	t.Run("a Japanese address keeps its script", func(t *testing.T) {
		if got := rows[2][11]; !strings.Contains(got, "千代田1-1") || strings.Contains(got, "山田") {
			t.Errorf("address = %q, want the lines without the recipient", got)
		}
	})
	t.Run("no lines still gives the header", func(t *testing.T) {
		rows := readCSV(t, nil, itemFields())
		if len(rows) != 1 || !slices.Equal(rows[0], wantHeader) {
			t.Errorf("rows = %q", rows)
		}
	})
}

// injections are values a spreadsheet would run as formulas.
var injections = []string{"=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"}

// injected returns one line with payload in every free-text place a
// supplier file shows: product, variant, a text answer, a choice label,
// the recipient and the address. The address field is cleaned by the
// address package (tabs and CRs collapse), so it opens with the payload
// only after that.
func injected(payload string) ([]Line, []form.Field) {
	l := line(payload, payload, payload, payload, 1)
	l.ShipTo = &address.Address{Line1: payload, Locality: payload, CountryCode: "ZZ"}
	l.ItemAnswers = map[string]any{"print_name": payload, "colour": "navy"}
	fields := itemFields()
	fields[4].Options[0].Label = map[string]string{"de": payload}
	fields[1].Label = map[string]string{"de": payload}
	return []Line{l}, fields
}

// safe reports whether a spreadsheet reads s as text.
func safe(s string) bool {
	return s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

func TestFormulaInjectionIsNeutralised(t *testing.T) {
	for _, payload := range injections {
		t.Run("csv "+strings.NewReplacer("\t", `\t`, "\r", `\r`).Replace(payload), func(t *testing.T) {
			lines, fields := injected(payload)
			rows := readCSV(t, lines, fields)
			want := "'" + payload
			// order, product, variant, print_name header and answer, colour answer, recipient
			for _, col := range []int{0, 2, 3, 5, 8, 10} {
				if rows[1][col] != want {
					t.Errorf("column %s = %q, want %q", rows[0][col], rows[1][col], want)
				}
			}
			if rows[0][5] != want {
				t.Errorf("item header = %q, want %q", rows[0][5], want)
			}
			for i, r := range rows {
				for j, c := range r {
					if !safe(c) {
						t.Errorf("row %d column %d = %q runs as a formula", i, j, c)
					}
				}
			}
			// The address package collapses tabs and CRs before anything else.
			clean := strings.TrimSpace(payload)
			if addr, want := rows[1][11], storefront.SafeCell(clean+", "+clean); addr != want {
				t.Errorf("address = %q, want %q", addr, want)
			}
		})
		t.Run("xlsx "+strings.NewReplacer("\t", `\t`, "\r", `\r`).Replace(payload), func(t *testing.T) {
			lines, fields := injected(payload)
			f := openXLSX(t, lines, fields)
			want := "'" + payload
			checkCells(t, f, SheetLines, []wantCell{
				{"A2", want, "text"}, {"C2", want, "text"}, {"D2", want, "text"},
				{"F1", want, "text"}, {"F2", want, "text"}, {"I2", want, "text"}, {"K2", want, "text"},
			})
			checkCells(t, f, SheetMatrix, []wantCell{{"A2", want, "text"}, {"B1", want, "text"}})
			checkCells(t, f, SheetPacking, []wantCell{
				{"B1", want, "text"}, {"B2", want, "text"}, {"D5", want, "text"}, {"A6", want, "text"}, {"B6", want, "text"},
			})
			checkEveryCellIsText(t, f)
		})
	}
	t.Run("a numeric answer stays a number", func(t *testing.T) {
		l := line("M-1", "Anna", "Hoodie", "M", 1)
		l.ItemAnswers = map[string]any{"number": int64(-1), "print_name": "-1"}
		rows := readCSV(t, []Line{l}, itemFields())
		if rows[1][5] != "'-1" || rows[1][6] != "'-1" {
			t.Errorf("CSV answers = %q, %q, want both neutralised", rows[1][5], rows[1][6])
		}
		f := openXLSX(t, []Line{l}, itemFields())
		checkCells(t, f, SheetLines, []wantCell{{"F2", "'-1", "text"}, {"G2", "-1", "number"}})
	})
}

// checkEveryCellIsText checks that no cell of any sheet holds a formula or
// a text a spreadsheet would run.
func checkEveryCellIsText(t *testing.T, f *excelize.File) {
	t.Helper()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			for j, v := range r {
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if formula, _ := f.GetCellFormula(sheet, ref); formula != "" {
					t.Errorf("%s!%s holds formula %q", sheet, ref, formula)
				}
				if ct := cellType(t, f, sheet, ref); !safe(v) && ct != excelize.CellTypeUnset {
					t.Errorf("%s!%s = %q runs as a formula", sheet, ref, v)
				}
			}
		}
	}
}

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

// bold reports whether a cell's style is bold.
func bold(t *testing.T, f *excelize.File, sheet, ref string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return style.Font != nil && style.Font.Bold
}

// fiveOrders is a realistic batch: hoodies in three sizes and a one-size
// cap across five orders, the first order opening with S.
func fiveOrders() []Line {
	return []Line{
		line("M-1", "Anna", "Hoodie", "S", 1),
		line("M-1", "Anna", "Cap", "One size", 1),
		line("M-2", "Ben", "Hoodie", "M", 2),
		line("M-3", "Anna", "Hoodie", "L", 1),
		line("M-3", "Anna", "Hoodie", "M", 1),
		line("M-4", "Chloé", "Cap", "One size", 3),
		line("M-5", "Dmitri", "Hoodie", "M", 1),
		line("M-5", "Dmitri", "Hoodie", "S", 1),
		line("M-5", "Dmitri", "Cap", "One size", 1),
	}
}

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

func TestXLSXWithoutLines(t *testing.T) {
	f := openXLSX(t, nil, itemFields())
	rows, _ := f.GetRows(SheetLines)
	if len(rows) != 1 || !slices.Equal(rows[0], wantHeader) {
		t.Errorf("Lines = %q, want the header only", rows)
	}
	checkCells(t, f, SheetMatrix, []wantCell{{"A1", "product", "text"}, {"B1", "total", "text"}, {"A2", "total", "text"}, {"B2", "0", "number"}})
}
