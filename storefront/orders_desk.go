package storefront

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"marquee/storefront/address"
)

// OrderFilter narrows the orders fulfilment staff see.
type OrderFilter struct {
	Status   Status       // "" for any
	Query    string       // part of the number, email or name
	Product  uuid.UUID    // orders with this product; uuid.Nil for any
	Variant  uuid.UUID    // orders with this variant; uuid.Nil for any
	Payment  PaymentState // "" for any
	From     time.Time    // placed at or after; zero for any
	Until    time.Time    // placed before; zero for any
	BeforeAt time.Time    // keyset: the last row of the previous page
	BeforeID uuid.UUID
	Limit    int
}

// OrderSummary is one row of the orders list.
type OrderSummary struct {
	ID         uuid.UUID
	Number     string
	Email      string
	Name       string
	Status     Status
	Payment    PaymentState
	TotalMinor int64
	Currency   string
	CreatedAt  time.Time
}

// ExportLine is one ordered item with its order, a row of the CSV export.
type ExportLine struct {
	Number, Status, Email, Name, Currency string
	Payment                               PaymentState
	CreatedAt                             time.Time
	Product, Variant                      Text
	Quantity                              int
	UnitPriceMinor                        int64
	Answers, ItemAnswers                  map[string]any
	Address                               *address.Address // nil when the event does not ship
}

// SafeCell neutralises a value for a spreadsheet: a cell that starts with
// =, +, -, @, a tab or a carriage return would be read as a formula (CSV
// injection), so it gets a leading apostrophe, which spreadsheets show as
// text.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// DayCount is the number of orders of one day.
type DayCount struct {
	Day    time.Time // midnight UTC
	Orders int
}

// Dashboard is an event's numbers: orders per day, units per variant and
// revenue (cancelled orders left out).
type Dashboard struct {
	PerDay  []DayCount
	Units   map[uuid.UUID]int // by variant id
	Revenue map[string]int64  // the sum of order totals in minor units, by currency code
	// Revenue split by payment, each by currency code: Paid (online or at
	// the desk; what a partial refund left), AtPickup still to be paid at
	// the desk, Pending online payments still open (not in Revenue).
	Paid, AtPickup, Pending map[string]int64
}
