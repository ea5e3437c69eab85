package suppliers

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"marquee/storefront"
	"marquee/storefront/form"
)

// placedAtFormat shows the XLSX's placed_at date cells like the CSV's
// RFC 3339 text, and says the zone, since a spreadsheet date has none.
const placedAtFormat = `yyyy-mm-dd hh:mm:ss "UTC"`

// XLSX builds a workbook of lines with three sheets: Lines (the CSV's
// columns, quantities and numeric answers as numbers, placed_at as a date,
// header bold and frozen, with a filter), Size matrix (SizeMatrix with
// totals: what to make) and Packing (one block per order, a recipient's
// orders together: what goes in which parcel).
//
// Text is set with SetCellStr, never as a formula, so nothing runs inside
// this file. Text still carries the CSV's leading apostrophe
// (storefront.SafeCell) rather than only Excel's quotePrefix style: the
// style is lost when a cell is copied as text into another sheet or
// program, where "=SUM(A1)" would run again, while "'=SUM(A1)" stays text
// everywhere. The price is a visible apostrophe on the rare cell that
// needs it, the same as in the CSV.
func XLSX(lines []Line, fields []form.Field, lang, fallback string) ([]byte, error) {
	b, err := newWorkbook()
	if err != nil {
		return nil, err
	}
	defer b.f.Close()
	itemFields := form.Sorted(fields, form.ScopeItem)
	steps := []func() error{
		func() error { return b.writeLines(lines, itemFields, lang, fallback) },
		func() error { return b.writeMatrix(SizeMatrix(lines)) },
		func() error { return b.writePacking(lines, itemFields, lang, fallback) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// workbook is an excelize file being filled, with the styles it uses.
type workbook struct {
	f     *excelize.File
	bold  int // style ID: headers and labels
	date  int // style ID: placed_at
	sheet string
	err   error // the first error of a set; later sets do nothing
}

// newWorkbook creates the file, its three sheets and its styles.
func newWorkbook() (*workbook, error) {
	f := excelize.NewFile()
	b := &workbook{f: f}
	err := f.SetSheetName(f.GetSheetName(0), SheetLines)
	for _, s := range []string{SheetMatrix, SheetPacking} {
		if err == nil {
			_, err = f.NewSheet(s)
		}
	}
	if err == nil {
		b.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	}
	if err == nil {
		format := placedAtFormat
		b.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return b, nil
}

// on makes sheet the one the next sets write to.
func (b *workbook) on(sheet string) { b.sheet = sheet }

// set writes one typed cell (see row) at column col, row r (both from 1).
// Errors are kept, not returned, so that sheet layouts read as a list of
// cells; the sheet writers return b.err once at their end.
func (b *workbook) set(col, r int, v any) {
	if b.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, r)
	if err != nil {
		b.err = err
		return
	}
	switch v := v.(type) {
	case nil:
	case string:
		if v == "" {
			return // blank, not an empty string a filter would list
		}
		err = b.f.SetCellStr(b.sheet, cell, storefront.SafeCell(v))
	case int64:
		err = b.f.SetCellInt(b.sheet, cell, v)
	case int:
		err = b.f.SetCellInt(b.sheet, cell, int64(v))
	case float64:
		err = b.f.SetCellFloat(b.sheet, cell, v, -1, 64)
	case bool:
		err = b.f.SetCellBool(b.sheet, cell, v)
	case time.Time:
		if err = b.f.SetCellValue(b.sheet, cell, v.UTC()); err == nil {
			err = b.f.SetCellStyle(b.sheet, cell, cell, b.date)
		}
	default:
		err = b.f.SetCellStr(b.sheet, cell, storefront.SafeCell(fmt.Sprint(v)))
	}
	b.err = err
}

// setBold writes a label in bold.
func (b *workbook) setBold(col, r int, label string) {
	b.set(col, r, label)
	if b.err != nil {
		return
	}
	cell, _ := excelize.CoordinatesToCellName(col, r)
	b.err = b.f.SetCellStyle(b.sheet, cell, cell, b.bold)
}

// setRow writes cells from column 1 of row r.
func (b *workbook) setRow(r int, cells []any) {
	for i, c := range cells {
		b.set(i+1, r, c)
	}
}

// freeze keeps the first rows and columns in view while scrolling.
func (b *workbook) freeze(cols, rows int) {
	if b.err != nil {
		return
	}
	topLeft, _ := excelize.CoordinatesToCellName(cols+1, rows+1)
	pane := "bottomRight"
	switch {
	case cols == 0:
		pane = "bottomLeft"
	case rows == 0:
		pane = "topRight"
	}
	b.err = b.f.SetPanes(b.sheet, &excelize.Panes{
		Freeze: true, XSplit: cols, YSplit: rows, TopLeftCell: topLeft, ActivePane: pane,
		Selection: []excelize.Selection{{SQRef: topLeft, ActiveCell: topLeft, Pane: pane}},
	})
}

// widen sets the width of columns from..to (from 1), in characters.
func (b *workbook) widen(from, to int, width float64) {
	if b.err != nil || to < from {
		return
	}
	first, _ := excelize.ColumnNumberToName(from)
	last, _ := excelize.ColumnNumberToName(to)
	b.err = b.f.SetColWidth(b.sheet, first, last, width)
}

// writeLines fills the Lines sheet: the CSV, typed.
func (b *workbook) writeLines(lines []Line, itemFields []form.Field, lang, fallback string) error {
	b.on(SheetLines)
	h := header(itemFields, lang, fallback)
	for i, label := range h {
		b.setBold(i+1, 1, label)
	}
	for i, l := range lines {
		b.setRow(i+2, row(l, itemFields, lang, fallback))
	}
	b.freeze(0, 1)
	b.widen(1, len(h), 16)
	b.widen(len(h)-1, len(h)-1, 48) // the address
	if b.err == nil {
		last, _ := excelize.CoordinatesToCellName(len(h), len(lines)+1)
		b.err = b.f.AutoFilter(SheetLines, "A1:"+last, nil)
	}
	return b.err
}

// writeMatrix fills the Size matrix sheet: products down, variants
// across, a total for each and for all. Empty combinations stay blank
// rather than 0, so the quantities to make stand out.
func (b *workbook) writeMatrix(m Matrix) error {
	b.on(SheetMatrix)
	totalCol := len(m.Variants) + 2
	b.setBold(1, 1, colProduct)
	for j, v := range m.Variants {
		b.setBold(j+2, 1, v)
	}
	b.setBold(totalCol, 1, colTotal)
	for i, p := range m.Products {
		r := i + 2
		b.setBold(1, r, p)
		for j, v := range m.Variants {
			if q := m.Qty[[2]string{p, v}]; q != 0 {
				b.set(j+2, r, q)
			}
		}
		b.set(totalCol, r, m.RowTotal[p])
	}
	totalRow := len(m.Products) + 2
	b.setBold(1, totalRow, colTotal)
	for j, v := range m.Variants {
		b.set(j+2, totalRow, m.ColTotal[v])
	}
	b.set(totalCol, totalRow, m.Total)
	b.freeze(1, 1)
	b.widen(1, 1, 28)
	return b.err
}
