package suppliers

import (
	"cmp"
	"slices"

	"marquee/storefront/address"
	"marquee/storefront/form"
)

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
