package storefront

import (
	"slices"
	"sync"
	"time"
	_ "time/tzdata" // time zones by name on every machine, the distroless image included

	"github.com/google/uuid"

	"marquee"
	"marquee/storefront/form"
)

// Text is a string in several languages, by locale.
type Text map[string]string

// In returns the text in locale, else in fallback, else any text.
func (t Text) In(locale, fallback string) string {
	if s := t[locale]; s != "" {
		return s
	}
	if s := t[fallback]; s != "" {
		return s
	}
	for _, s := range t {
		if s != "" {
			return s
		}
	}
	return ""
}

// ForLocales returns t with only the texts of the locales an event
// offers; see form.KeepLocales for the default's fallback.
func (t Text) ForLocales(locales []string, def, fromDef string) Text {
	return form.KeepLocales(t, locales, def, fromDef)
}

// ForLocales returns p, copied from another event (fromDef being its
// default locale), with its names and descriptions kept to the locales
// of the event it is copied into.
func (p Product) ForLocales(locales []string, def, fromDef string) Product {
	p.Name = p.Name.ForLocales(locales, def, fromDef)
	p.Description = p.Description.ForLocales(locales, def, fromDef)
	variants := make([]Variant, len(p.Variants))
	for i, v := range p.Variants {
		v.Label = v.Label.ForLocales(locales, def, fromDef)
		variants[i] = v
	}
	p.Variants = variants
	return p
}

// Product is something an event offers: a t-shirt, a breakfast.
type Product struct {
	ID             uuid.UUID
	Name           Text
	Description    Text
	ImageKey       string // empty: the placeholder image
	Position       int
	Visible        bool
	PriceMinor     int64 // in the event's currency; 0 is free
	MaxPerOrder    int   // 0: no limit
	MaxPerAttendee int   // 0: no limit
	SalesOpenAt    *time.Time
	SalesCloseAt   *time.Time
	Variants       []Variant
	// CodeOnly: not on the shop unless an active voucher code unlocks it
	// (storefront/voucher.go), and refused in an order without one.
	CodeOnly bool
}

// Variant is one option of a product (size M) with its own stock.
type Variant struct {
	ID         uuid.UUID
	ProductID  uuid.UUID
	Label      Text
	SKU        string
	Position   int
	Stock      *int   // nil: unlimited
	PriceMinor *int64 // nil: the product's price
	CodeOnly   bool   // only with a code that unlocks it, as Product.CodeOnly
}

// SoldOut reports whether no unit of v is left.
func (v Variant) SoldOut() bool { return v.Stock != nil && *v.Stock <= 0 }

// Price is the unit price of v within p.
func (p Product) Price(v Variant) int64 {
	if v.PriceMinor != nil {
		return *v.PriceMinor
	}
	return p.PriceMinor
}

// SoldOut reports whether every variant of p is sold out.
func (p Product) SoldOut() bool {
	for _, v := range p.Variants {
		if !v.SoldOut() {
			return false
		}
	}
	return true
}

// Variant returns p's variant with id, if p has one.
func (p Product) Variant(id uuid.UUID) (Variant, bool) {
	for _, v := range p.Variants {
		if v.ID == id {
			return v, true
		}
	}
	return Variant{}, false
}

// Messages of an order over a product's limits. The "max" ones name the
// limit (Count): the order alone asks for more than it allows. The
// attendee-limit one is for an order that fits the limit alone but not
// with the attendee's earlier orders.
const (
	MsgOverOrderMax      = "order.over_order_max"
	MsgOverAttendeeMax   = "order.over_attendee_max"
	MsgOverAttendeeLimit = "order.over_attendee_limit"
)

// CheckLimits returns why ordering quantity units of p in one order breaks
// its limits, or nil; earlier orders are counted by the order's transaction.
func (p Product) CheckLimits(quantity int) error {
	switch {
	case p.MaxPerOrder > 0 && quantity > p.MaxPerOrder:
		return marquee.New(marquee.ECONFLICT, MsgOverOrderMax)
	case p.MaxPerAttendee > 0 && quantity > p.MaxPerAttendee:
		return marquee.New(marquee.ECONFLICT, MsgOverAttendeeMax)
	}
	return nil
}

// CheckOnSale returns why p cannot be ordered at now, or nil. closesAt is
// the event's close (nil: open-ended).
func (p Product) CheckOnSale(now time.Time, closesAt *time.Time) error {
	switch {
	case !p.Visible:
		return marquee.New(marquee.ENOTFOUND, "order.unknown_product")
	case closesAt != nil && !now.Before(*closesAt):
		return marquee.New(marquee.ECONFLICT, "order.event_closed")
	case p.SalesOpenAt != nil && now.Before(*p.SalesOpenAt):
		return marquee.New(marquee.ECONFLICT, "order.sales_not_open")
	case p.SalesCloseAt != nil && !now.Before(*p.SalesCloseAt):
		return marquee.New(marquee.ECONFLICT, "order.sales_closed")
	}
	return nil
}

// Catalogue is everything an event offers, in display order.
type Catalogue struct {
	Products []Product
}

// Product returns the product with id.
func (c Catalogue) Product(id uuid.UUID) (Product, bool) {
	for _, p := range c.Products {
		if p.ID == id {
			return p, true
		}
	}
	return Product{}, false
}

// Visible returns the products attendees may see: visible ones that are
// not "only with a code", each without its options "only with a code"
// (WithCode unlocks them first).
func (c Catalogue) Visible() []Product {
	out := make([]Product, 0, len(c.Products))
	for _, p := range c.Products {
		if p.Shown() {
			out = append(out, p.WithoutHidden())
		}
	}
	return out
}

// Shown reports whether attendees see p without a code that unlocks it.
func (p Product) Shown() bool { return p.Visible && !p.CodeOnly }

// WithoutHidden returns p without its options "only with a code"; p itself
// when it has none (no copy).
func (p Product) WithoutHidden() Product {
	if !slices.ContainsFunc(p.Variants, func(v Variant) bool { return v.CodeOnly }) {
		return p
	}
	p.Variants = slices.DeleteFunc(slices.Clone(p.Variants), func(v Variant) bool { return v.CodeOnly })
	return p
}

// WithCode returns the catalogue as an attendee with code v sees it: the
// products and options v unlocks are no longer "only with a code".
func (c Catalogue) WithCode(v *Voucher) Catalogue {
	out := Catalogue{Products: make([]Product, len(c.Products))}
	for i, p := range c.Products {
		if p.CodeOnly && v.UnlocksProduct(p.ID) {
			p.CodeOnly = false
		}
		p.Variants = slices.Clone(p.Variants)
		for j, o := range p.Variants {
			if o.CodeOnly && v.UnlocksVariant(p.ID, o.ID) {
				p.Variants[j].CodeOnly = false
			}
		}
		out.Products[i] = p
	}
	return out
}

// Settings are how an event's shop behaves.
type Settings struct {
	Currency          string
	ClosesAt          *time.Time
	Ships             bool
	AttendeeCanCancel bool
	// AttendeeCanChange: attendees may swap an option, change the address
	// and cancel a line of their order until it is dispatched.
	AttendeeCanChange bool
	CommonCountries   []string
	ReplyTo           string // the organisers' address for replies to the event's emails; "" replies to the sender
	// TimeZone is the IANA name of the zone the event's times are shown
	// in ("Europe/Berlin"); see Location.
	TimeZone string
	// PickupPlace and PickupDetails say where and when attendees collect
	// what they ordered (when the event does not ship), in the organisers'
	// words; "" when not given.
	PickupPlace, PickupDetails string
	// RetentionDays is how long attendees' personal data is kept after the
	// shop closes (see RetentionEnds); 0 is DefaultRetentionDays.
	RetentionDays int
	// EndsOn is the event's last day (nil: not given), from which the
	// retention period runs when the shop has no closing time.
	EndsOn *time.Time
	// PayAtPickup: attendees may choose to pay priced orders at the pick-up
	// desk instead of online (see payment.go).
	PayAtPickup bool
	// HoldMinutes is how long an order paid online holds its stock while
	// the attendee pays; 0 is DefaultHoldMinutes.
	HoldMinutes int
	// WaitlistHoldHours is how long a waiting list's offer holds its units
	// (24 unless the event set it).
	WaitlistHoldHours int
	// MessageRate is how many of a message's emails to attendees go out
	// per second at most (0: DefaultMessageRate).
	MessageRate int
	// Kind is KindShop (also when "") or KindSignup: a sign-up event's
	// landing page is its sign-up form (issue 19).
	Kind string
	// SignupConsent is the text beside a sign-up form's consent checkbox,
	// SignupThanks the thank-you page's text, per language.
	SignupConsent, SignupThanks Text
}

// RetentionEnds is when the event's attendees' personal data is due for
// erasure; ok is false when the event names no end (see RetentionEnds).
func (s Settings) RetentionEnds() (time.Time, bool) {
	return RetentionEnds(s.ClosesAt, s.EndsOn, s.RetentionDays)
}

// DefaultTimeZone is the zone of an event that never chose one: the
// platform's events are mostly in Central Europe, as its default
// currency (EUR) says.
const DefaultTimeZone = "Europe/Berlin"

// Location is the event's time zone; UTC when its name is not one (it
// was checked when stored, so only an old or damaged row falls back).
func (s Settings) Location() *time.Location {
	loc, err := LoadTimeZone(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// LoadTimeZone checks an IANA time zone name ("Europe/Berlin", "UTC") and
// loads it. "" and "Local" are refused: an event's zone is always named.
// The zone database is embedded (time/tzdata), so a name valid on one
// machine is valid on all.
// A zone is loaded once per process and kept (zones holds the names that
// loaded, a few hundred at most): time.LoadLocation reads and parses the
// zone's file on every call, and every rendered page names its event's
// zone.
func LoadTimeZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, marquee.Invalid("time_zone", "settings.time_zone_unknown")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, marquee.Invalid("time_zone", "settings.time_zone_unknown")
	}
	zones.Store(name, loc)
	return loc, nil
}

// zones are the time zones LoadTimeZone loaded, by name.
var zones sync.Map

// OrdersClosed reports whether the shop has stopped taking orders at now:
// its closing time has come.
func (s Settings) OrdersClosed(now time.Time) bool {
	return s.ClosesAt != nil && !now.Before(*s.ClosesAt)
}

// DefaultSettings apply to an event that never changed them.
func DefaultSettings() Settings {
	return Settings{Currency: "EUR", AttendeeCanCancel: true, AttendeeCanChange: true, TimeZone: DefaultTimeZone, RetentionDays: DefaultRetentionDays,
		HoldMinutes: DefaultHoldMinutes, WaitlistHoldHours: DefaultWaitlistHoldHours,
		MessageRate: DefaultMessageRate}
}
