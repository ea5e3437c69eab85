package suppliers

import (
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
)

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
