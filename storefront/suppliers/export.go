package suppliers

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
)

// Column headers of the fixed columns. They stay in English and in the
// console export's snake_case whatever the language of the lines: a
// supplier who imports the list into its own system needs names that do
// not change from one event to the next. Item-field columns are the
// event's own words and come in the chosen language.
const (
	colOrder     = "order"
	colPlacedAt  = "placed_at"
	colProduct   = "product"
	colVariant   = "variant"
	colQuantity  = "quantity"
	colRecipient = "recipient"
	colAddress   = "address"
	colCountry   = "country_code"
	colTotal     = "total"
)

// Sheet names of the XLSX workbook.
const (
	SheetLines   = "Lines"
	SheetMatrix  = "Size matrix"
	SheetPacking = "Packing"
)

// utf8BOM opens the CSV: without it Excel reads UTF-8 as the machine's
// legacy code page and "Größe" becomes "GrÃ¶ÃŸe".
const utf8BOM = "\uFEFF"

// placedAtFormat shows the XLSX's placed_at date cells like the CSV's
// RFC 3339 text, and says the zone, since a spreadsheet date has none.
const placedAtFormat = `yyyy-mm-dd hh:mm:ss "UTC"`

// header returns the column headers shared by the CSV and the Lines sheet.
func header(itemFields []form.Field, lang, fallback string) []string {
	h := []string{colOrder, colPlacedAt, colProduct, colVariant, colQuantity}
	for _, f := range itemFields {
		h = append(h, f.LabelFor(lang, fallback))
	}
	return append(h, colRecipient, colAddress, colCountry)
}

// row returns l's cells in header order, typed as a spreadsheet holds
// them: string, int64, float64, bool, time.Time, or nil for empty. The CSV
// and the XLSX both write rows from it, so their columns cannot drift.
func row(l Line, itemFields []form.Field, lang, fallback string) []any {
	cells := []any{l.OrderNumber, l.PlacedAt.UTC(), l.Product, l.Variant, int64(l.Quantity)}
	for _, f := range itemFields {
		cells = append(cells, answerCell(f, l.ItemAnswers[f.Key], lang, fallback))
	}
	return append(cells, l.Recipient, strings.Join(addressLines(l.ShipTo, lang), ", "), countryCode(l.ShipTo))
}

// addressLines returns a as written on a parcel, without the recipient
// (its own column) but with the country's name, which an international
// parcel needs. Nil (no shipping) gives no lines.
func addressLines(a *address.Address, lang string) []string {
	if a == nil {
		return nil
	}
	noName := *a
	noName.Name = ""
	return address.Lines(noName, lang)
}

// countryCode returns the ISO code a supplier sorts parcels by, or "".
func countryCode(a *address.Address) string {
	if a == nil {
		return ""
	}
	return strings.ToUpper(strings.TrimSpace(a.CountryCode))
}

// answerCell turns a stored item answer into a cell value. Answers may
// come straight from form.Field.Parse (int64, []string) or back from JSONB
// (float64, json.Number, []any); both read the same. Choices show their
// option labels in the language, not the stored values.
func answerCell(f form.Field, v any, lang, fallback string) any {
	switch v := v.(type) {
	case nil:
		return nil
	case bool:
		return v
	case int:
		return int64(v)
	case int64:
		return v
	case float64:
		return numberCell(v)
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		if x, err := v.Float64(); err == nil {
			return numberCell(x)
		}
		return v.String()
	case string:
		return optionLabel(f, v, lang, fallback)
	case []string:
		return choiceLabels(f, v, lang, fallback)
	case []any:
		values := make([]string, len(v))
		for i, x := range v {
			values[i] = fmt.Sprint(x)
		}
		return choiceLabels(f, values, lang, fallback)
	}
	return fmt.Sprint(v)
}

// numberCell keeps whole numbers whole (JSON turns 3 into 3.0) and drops
// what no spreadsheet can hold (NaN, ±Inf: never valid answers anyway).
func numberCell(x float64) any {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return nil
	case x == math.Trunc(x) && math.Abs(x) < 1<<53:
		return int64(x)
	}
	return x
}

// optionLabel returns the label of the option with value v, or v itself
// for fields without options (text, date, country) or a value the form
// no longer offers.
func optionLabel(f form.Field, v, lang, fallback string) string {
	for _, o := range f.Options {
		if o.Value == v {
			return o.LabelFor(lang, fallback)
		}
	}
	return v
}

// choiceLabels returns the labels of a multiple-choice answer, joined.
func choiceLabels(f form.Field, values []string, lang, fallback string) string {
	labels := make([]string, len(values))
	for i, v := range values {
		labels[i] = optionLabel(f, v, lang, fallback)
	}
	return strings.Join(labels, ", ")
}

// WriteCSV writes lines as CSV for Excel and scripts alike: a UTF-8 BOM, a
// header row, one row per line with the columns order, placed_at (RFC 3339,
// UTC), product, variant, quantity, one per item-scope field of fields
// (labelled in lang), recipient, address (its lines joined by ", ") and
// country_code. Every cell, the header included, goes through
// storefront.SafeCell, so no cell can run as a formula.
func WriteCSV(w io.Writer, lines []Line, fields []form.Field, lang, fallback string) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	itemFields := form.Sorted(fields, form.ScopeItem)
	cw := csv.NewWriter(w)
	if err := cw.Write(safeTexts(header(itemFields, lang, fallback))); err != nil {
		return err
	}
	for _, l := range lines {
		cells := row(l, itemFields, lang, fallback)
		texts := make([]string, len(cells))
		for i, c := range cells {
			texts[i] = csvText(c)
		}
		if err := cw.Write(texts); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeTexts neutralises every string of s, in place.
func safeTexts(s []string) []string {
	for i := range s {
		s[i] = storefront.SafeCell(s[i])
	}
	return s
}

// csvText writes one typed cell as CSV text. Numbers go through SafeCell
// too: a negative answer is rare, and "'-1" is a fair price for one rule
// without exceptions. Booleans read TRUE and FALSE, as Excel writes them.
func csvText(c any) string {
	switch c := c.(type) {
	case nil:
		return ""
	case string:
		return storefront.SafeCell(c)
	case int64:
		return storefront.SafeCell(strconv.FormatInt(c, 10))
	case float64:
		return storefront.SafeCell(strconv.FormatFloat(c, 'f', -1, 64))
	case bool:
		return strings.ToUpper(strconv.FormatBool(c))
	case time.Time:
		return c.UTC().Format(time.RFC3339)
	}
	return storefront.SafeCell(fmt.Sprint(c))
}

// Matrix is how many of each product in each variant a supplier has to
// make: products are rows, variants (sizes) columns, both in the order
// they first appear in the lines, which follows the orders' and the
// catalogue's order rather than an alphabet that would put L before M.
// Products and variants are keyed by their names in the lines' language,
// which is what the supplier reads; two products sharing a name share a
// row.
type Matrix struct {
	Products []string
	Variants []string
	Qty      map[[2]string]int // {product, variant} → quantity
	RowTotal map[string]int    // by product
	ColTotal map[string]int    // by variant
	Total    int
}

// SizeMatrix adds up lines by product and variant. It counts every line it
// is given; pass WithoutCancelled(lines) for what is left to make.
func SizeMatrix(lines []Line) Matrix {
	m := Matrix{Qty: map[[2]string]int{}, RowTotal: map[string]int{}, ColTotal: map[string]int{}}
	for _, l := range lines {
		if _, seen := m.RowTotal[l.Product]; !seen {
			m.Products = append(m.Products, l.Product)
		}
		if _, seen := m.ColTotal[l.Variant]; !seen {
			m.Variants = append(m.Variants, l.Variant)
		}
		m.Qty[[2]string{l.Product, l.Variant}] += l.Quantity
		m.RowTotal[l.Product] += l.Quantity
		m.ColTotal[l.Variant] += l.Quantity
		m.Total += l.Quantity
	}
	return m
}

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

// packingBlock is one order's lines, as one parcel.
type packingBlock struct {
	order, recipient string
	shipTo           *address.Address
	lines            []Line
}

// packingBlocks groups lines by order (in order of first appearance) and
// then brings a recipient's orders together, so that someone who ordered
// twice can get one parcel. Recipients keep the order in which they first
// appear: a sort by name would need the language's collation and would
// help the packer less than the order of the orders.
func packingBlocks(lines []Line) []packingBlock {
	var blocks []packingBlock
	byOrder := map[string]int{}
	for _, l := range lines {
		i, ok := byOrder[l.OrderNumber]
		if !ok {
			i = len(blocks)
			byOrder[l.OrderNumber] = i
			blocks = append(blocks, packingBlock{order: l.OrderNumber, recipient: l.Recipient, shipTo: l.ShipTo})
		}
		blocks[i].lines = append(blocks[i].lines, l)
	}
	firstSeen := map[string]int{}
	for i, bl := range blocks {
		if _, ok := firstSeen[bl.recipient]; !ok {
			firstSeen[bl.recipient] = i
		}
	}
	slices.SortStableFunc(blocks, func(x, y packingBlock) int {
		return cmp.Compare(firstSeen[x.recipient], firstSeen[y.recipient])
	})
	return blocks
}

// writePacking fills the Packing sheet, one block per order:
//
//	order      | M-1001
//	recipient  | Anna Beispiel
//	address    | Hauptstraße 1
//	           | 10115 Berlin
//	           | Germany
//	product    | variant | quantity | <item fields>
//	Hoodie     | M       | 2        | ANNA
//	(blank row)
//
// The address takes one row per line, as on the label. Item answers come
// with the lines because a personalised item must reach its own parcel.
func (b *workbook) writePacking(lines []Line, itemFields []form.Field, lang, fallback string) error {
	b.on(SheetPacking)
	r := 1
	for _, bl := range packingBlocks(lines) {
		r = b.writeBlock(r, bl, itemFields, lang, fallback) + 1
	}
	b.widen(1, 1, 14)
	b.widen(2, 2, 40)
	b.widen(3, 3+len(itemFields), 14)
	return b.err
}

// writeBlock writes one order's block from row r and returns the row
// after it.
func (b *workbook) writeBlock(r int, bl packingBlock, itemFields []form.Field, lang, fallback string) int {
	b.setBold(1, r, colOrder)
	b.set(2, r, bl.order)
	r++
	b.setBold(1, r, colRecipient)
	b.set(2, r, bl.recipient)
	r++
	for i, line := range addressLines(bl.shipTo, lang) {
		if i == 0 {
			b.setBold(1, r, colAddress)
		}
		b.set(2, r, line)
		r++
	}
	heads := []string{colProduct, colVariant, colQuantity}
	for _, f := range itemFields {
		heads = append(heads, f.LabelFor(lang, fallback))
	}
	for i, h := range heads {
		b.setBold(i+1, r, h)
	}
	r++
	for _, l := range bl.lines {
		cells := []any{l.Product, l.Variant, int64(l.Quantity)}
		for _, f := range itemFields {
			cells = append(cells, answerCell(f, l.ItemAnswers[f.Key], lang, fallback))
		}
		b.setRow(r, cells)
		r++
	}
	return r
}
