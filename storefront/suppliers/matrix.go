package suppliers

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
