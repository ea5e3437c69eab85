package suppliers

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

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
