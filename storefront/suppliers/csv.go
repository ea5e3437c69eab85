package suppliers

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"marquee/storefront"
	"marquee/storefront/form"
)

// utf8BOM opens the CSV: without it Excel reads UTF-8 as the machine's
// legacy code page and "Größe" becomes "GrÃ¶ÃŸe".
const utf8BOM = "\uFEFF"

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
