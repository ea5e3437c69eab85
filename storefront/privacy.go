package storefront

import (
	"strconv"
	"strings"
	"time"

	"marquee"
	"marquee/storefront/form"
)

// The retention period is how long attendees' personal data is kept after
// the event's shop closes (or, without a closing time, after the event's
// last day). When it ends the retention job erases the names, emails,
// addresses, free-text answers and the copies of the emails; the orders,
// their lines and totals stay for the statistics and the suppliers.
const (
	DefaultRetentionDays = 90
	// MinRetentionDays leaves time to dispatch what was ordered after the
	// shop closed: the addresses are needed until then.
	MinRetentionDays = 7
	// MaxRetentionDays is ten years, the longest bookkeeping rules ask for.
	MaxRetentionDays = 3650
)

// ParseRetentionDays reads the settings form's retention period, in days.
func ParseRetentionDays(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < MinRetentionDays || n > MaxRetentionDays {
		return 0, marquee.Invalid("retention_days", "settings.retention_days_range")
	}
	return n, nil
}

// RetentionEnds is when the personal data of an event's attendees is due
// for erasure: retentionDays after the shop closes, or else after the end
// (midnight UTC) of the event's last day. ok is false when the event has
// neither: its data is only erased by request or with the event. The
// retention job's query (queries/privacy.sql RetentionDue) applies the
// same rule.
func RetentionEnds(closesAt, endsOn *time.Time, retentionDays int) (at time.Time, ok bool) {
	if retentionDays <= 0 {
		retentionDays = DefaultRetentionDays
	}
	switch {
	case closesAt != nil:
		at = *closesAt
	case endsOn != nil:
		y, m, d := endsOn.Date()
		at = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	default:
		return time.Time{}, false
	}
	return at.AddDate(0, 0, retentionDays), true
}

// KeptAfterErasure reports whether answers to a field of type t stay when
// an order's personal data is erased: choices and numbers are the
// organisers' own options (a size, a diet, a count) and feed the
// statistics; text, emails, phones, dates and countries are the
// attendee's own words about themselves.
func KeptAfterErasure(t form.Type) bool {
	switch t {
	case form.TypeSingleChoice, form.TypeMultipleChoice, form.TypeCheckbox, form.TypeNumber:
		return true
	}
	return false
}

// KeptAnswerKeys are the keys of the fields whose answers survive an
// erasure; an answer to a field that no longer exists is erased.
func KeptAnswerKeys(fields []form.Field) []string {
	keys := []string{}
	for _, f := range fields {
		if KeptAfterErasure(f.Type) {
			keys = append(keys, f.Key)
		}
	}
	return keys
}

// Erasure is what erasing personal data did: the orders it emptied (their
// numbers), for the console's message and the audit log.
type Erasure struct {
	Orders []string
	// WaitlistEntries counts the person's (or the event's) places on the
	// waiting lists, deleted with their offers.
	WaitlistEntries int
	// Signups counts the person's (or the event's) sign-ups, deleted.
	Signups int
}

// Empty reports whether the erasure found nothing to erase.
func (e Erasure) Empty() bool { return len(e.Orders) == 0 && e.WaitlistEntries == 0 && e.Signups == 0 }

// OrderData is an order as its attendee downloads it from the status
// page: everything the shop holds about them in that order, in plain
// JSON (their right of access and to a copy).
type OrderData struct {
	Event       string            `json:"event"`
	Number      string            `json:"number"`
	Status      Status            `json:"status"`
	PlacedAt    time.Time         `json:"placed_at"`
	Name        string            `json:"name"`
	Email       string            `json:"email"`
	Language    string            `json:"language"`
	Answers     map[string]any    `json:"answers"`
	Address     map[string]string `json:"shipping_address,omitempty"`
	Currency    string            `json:"currency"`
	TotalMinor  int64             `json:"total_minor"`
	Items       []OrderDataItem   `json:"items"`
	History     []OrderDataChange `json:"history"`
	RetainUntil *time.Time        `json:"personal_data_kept_until,omitempty"`
}

// OrderDataItem is one line of OrderData.
type OrderDataItem struct {
	Product        Text           `json:"product"`
	Option         Text           `json:"option"`
	Quantity       int            `json:"quantity"`
	UnitPriceMinor int64          `json:"unit_price_minor"`
	Answers        map[string]any `json:"answers"`
}

// OrderDataChange is one status change of OrderData.
type OrderDataChange struct {
	Status Status    `json:"status"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

// ExportOrder is o as its attendee downloads it, for the event named
// event; retainUntil is when its personal data is due for erasure (nil:
// no date yet).
func ExportOrder(event string, o *Order, retainUntil *time.Time) OrderData {
	d := OrderData{Event: event, Number: o.Number, Status: o.Status, PlacedAt: o.CreatedAt.UTC(), Name: o.Name, Email: o.Email,
		Language: o.Locale, Answers: nonNil(o.Answers), Currency: o.Currency, TotalMinor: o.TotalMinor,
		Items: []OrderDataItem{}, History: []OrderDataChange{}, RetainUntil: retainUntil}
	if a := o.Address; a != nil {
		d.Address = map[string]string{"name": a.Name, "line1": a.Line1, "line2": a.Line2, "line3": a.Line3,
			"sublocality": a.Sublocality, "locality": a.Locality, "region": a.Region, "postal_code": a.PostalCode,
			"country_code": a.CountryCode}
	}
	for _, it := range o.Items {
		d.Items = append(d.Items, OrderDataItem{Product: it.ProductName, Option: it.VariantLabel, Quantity: it.Quantity,
			UnitPriceMinor: it.UnitPriceMinor, Answers: nonNil(it.Answers)})
	}
	for _, ch := range o.History {
		d.History = append(d.History, OrderDataChange{Status: ch.Status, At: ch.At.UTC(), Note: ch.Note})
	}
	return d
}

func nonNil(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
