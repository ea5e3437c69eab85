package storefront

import (
	"crypto/rand"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"marquee"
)

// VoucherKind is what a voucher code gives besides unlocking: nothing, an
// amount off or a percentage off.
type VoucherKind string

// The kinds of voucher codes.
const (
	VoucherUnlock  VoucherKind = "unlock"
	VoucherAmount  VoucherKind = "amount"
	VoucherPercent VoucherKind = "percent"
)

// Voucher is a code an event's staff hand out: it unlocks the products and
// options "only with a code" it names, and may take an amount or a
// percentage off the lines it applies to (those it names, or every line
// when it names none).
type Voucher struct {
	ID          uuid.UUID
	Code        string // capitals (NormalizeCode)
	Kind        VoucherKind
	AmountMinor int64 // VoucherAmount: minor units of the event's currency
	Percent     int   // VoucherPercent: 1 to 100
	ProductIDs  []uuid.UUID
	VariantIDs  []uuid.UUID
	MaxUses     *int // nil: unlimited
	Uses        int
	ValidFrom   *time.Time
	ValidUntil  *time.Time
	Disabled    bool
	Note        string // staff's own words ("for speakers")
	CreatedAt   time.Time
}

// VoucherRedemption is one order that redeemed a code, for the console.
type VoucherRedemption struct {
	Number        string
	Email         string
	Status        Status
	TotalMinor    int64
	DiscountMinor int64
	At            time.Time
}

// The field voucher errors belong to, on the shop's forms and in PlaceOrder.
const VoucherField = "voucher"

// Messages about a code an attendee entered.
const (
	MsgVoucherUnknown = "voucher.unknown"
	MsgVoucherNotYet  = "voucher.not_yet_valid"
	MsgVoucherExpired = "voucher.expired"
	MsgVoucherUsedUp  = "voucher.used_up"
)

// NormalizeCode is the form of a code it is stored and looked up in: codes
// are case-insensitive, kept in capitals, without surrounding spaces.
func NormalizeCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ValidCode reports whether code (normalised) has a code's shape: 3 to 32
// capitals, digits and dashes, not starting with a dash (the database's
// CHECK).
func ValidCode(code string) bool {
	if len(code) < 3 || len(code) > 32 || code[0] == '-' {
		return false
	}
	for _, r := range code {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// CheckUsable returns why an attendee may not use v at now, or nil, as an
// error on VoucherField. A disabled code reads as unknown: attendees need
// not learn it existed.
func (v *Voucher) CheckUsable(now time.Time) error {
	switch {
	case v == nil || v.Disabled:
		return marquee.Invalid(VoucherField, MsgVoucherUnknown)
	case v.ValidFrom != nil && now.Before(*v.ValidFrom):
		return marquee.Invalid(VoucherField, MsgVoucherNotYet)
	case v.ValidUntil != nil && !now.Before(*v.ValidUntil):
		return marquee.Invalid(VoucherField, MsgVoucherExpired)
	case v.MaxUses != nil && v.Uses >= *v.MaxUses:
		return ErrVoucherUsedUp()
	}
	return nil
}

// ErrVoucherUsedUp is the answer to a code whose uses are all taken, also
// when the order's conditional update finds the last one gone meanwhile.
func ErrVoucherUsedUp() *marquee.Error {
	return &marquee.Error{Code: marquee.ECONFLICT, Message: MsgVoucherUsedUp, Field: VoucherField}
}

// UnlocksProduct reports whether v unlocks product p ("only with a code").
func (v *Voucher) UnlocksProduct(p uuid.UUID) bool {
	return v != nil && slices.Contains(v.ProductIDs, p)
}

// UnlocksVariant reports whether v unlocks option o of product p: it names
// the option, or its product.
func (v *Voucher) UnlocksVariant(p, o uuid.UUID) bool {
	return v != nil && (slices.Contains(v.VariantIDs, o) || slices.Contains(v.ProductIDs, p))
}

// AppliesTo reports whether v's discount applies to a line of option o of
// product p: v names neither products nor options (every line), or names
// the product or the option.
func (v *Voucher) AppliesTo(p, o uuid.UUID) bool {
	if v == nil {
		return false
	}
	return len(v.ProductIDs) == 0 && len(v.VariantIDs) == 0 || v.UnlocksVariant(p, o)
}

// Discount is what v takes off lines, in minor units: the amount off, at
// most what the lines it applies to cost (a total never goes below 0); or
// the percentage of what they cost, rounded half up to the minor unit once
// for the whole order (not per line, so two lines of 0.5 cents make one).
func (v *Voucher) Discount(lines []PricedLine) int64 {
	if v == nil {
		return 0
	}
	var applicable int64
	for _, l := range lines {
		if v.AppliesTo(l.Product.ID, l.Variant.ID) {
			applicable += l.UnitPrice() * int64(l.Line.Quantity)
		}
	}
	switch v.Kind {
	case VoucherAmount:
		return min(v.AmountMinor, applicable)
	case VoucherPercent:
		return min((applicable*int64(v.Percent)+50)/100, applicable)
	}
	return 0
}

// CheckLines returns why lines may not be ordered with v (nil: without a
// code): a line of a product or option "only with a code" that v does not
// unlock is refused on its line's field, as if it were not there.
func (v *Voucher) CheckLines(lines []PricedLine) error {
	for _, l := range lines {
		switch {
		case l.Product.CodeOnly && !v.UnlocksProduct(l.Product.ID):
			return onField(marquee.New(marquee.ENOTFOUND, "order.unknown_product"), l.Field())
		case l.Variant.CodeOnly && !v.UnlocksVariant(l.Product.ID, l.Variant.ID):
			return onField(marquee.New(marquee.ENOTFOUND, "order.unknown_variant"), l.Field())
		}
	}
	return nil
}

// Validate checks what staff entered for a voucher; errors name the
// console form's fields.
func (v *Voucher) Validate() error {
	switch {
	case !ValidCode(v.Code):
		return marquee.Invalid("code", "vouchers.code_invalid")
	case v.Kind != VoucherUnlock && v.Kind != VoucherAmount && v.Kind != VoucherPercent:
		return marquee.Invalid("kind", "vouchers.kind_invalid")
	case v.Kind == VoucherAmount && v.AmountMinor <= 0:
		return marquee.Invalid("amount", "vouchers.amount_invalid")
	case v.Kind == VoucherPercent && (v.Percent < 1 || v.Percent > 100):
		return marquee.Invalid("percent", "vouchers.percent_invalid")
	case v.MaxUses != nil && (*v.MaxUses < 1 || *v.MaxUses > 1_000_000):
		return marquee.Invalid("max_uses", "vouchers.max_uses_invalid")
	case v.MaxUses != nil && *v.MaxUses < v.Uses:
		return marquee.Invalid("max_uses", "vouchers.max_uses_below_uses")
	case v.ValidFrom != nil && v.ValidUntil != nil && !v.ValidUntil.After(*v.ValidFrom):
		return marquee.Invalid("valid_until", "vouchers.until_before_from")
	case len([]rune(v.Note)) > 200:
		return marquee.Invalid("note", "form.too_long")
	case len(v.ProductIDs)+len(v.VariantIDs) > 500:
		return marquee.Invalid("items", "vouchers.too_many_items")
	}
	if v.Kind != VoucherAmount {
		v.AmountMinor = 0
	}
	if v.Kind != VoucherPercent {
		v.Percent = 0
	}
	return nil
}

// codeAlphabet is what generated codes are made of: capitals and digits
// without the ones people confuse (0 O, 1 I L, 5 S, 8 B, 2 Z).
const codeAlphabet = "34679ACDEFGHJKMNPQRTUVWXY"

// GenerateCode is a random code of n characters of the unambiguous
// alphabet after prefix (normalised), e.g. "VOL-7KQ3MX".
func GenerateCode(prefix string, n int) string {
	out := make([]byte, 0, n)
	var b [1]byte
	for len(out) < n {
		_, _ = rand.Read(b[:]) // crypto/rand never fails
		if int(b[0]) < 250 {   // 250 = 10 × 25: every letter equally likely
			out = append(out, codeAlphabet[int(b[0])%len(codeAlphabet)])
		}
	}
	return NormalizeCode(prefix) + string(out)
}

// WithCode is the site as an attendee with the active code v sees it: its
// catalogue unlocked by v (Catalogue.WithCode), the same live stock. The
// copy keeps no pages: a page shown with a code is rendered for its
// request, never cached for everyone.
func (s *Site) WithCode(v *Voucher) *Site {
	content := s.SiteContent
	content.Catalogue = s.Catalogue.WithCode(v)
	return &Site{Tenant: s.Tenant, SiteContent: content, stock: s.stock, orig: s.Original()}
}

// Original is the site a WithCode copy was made from (s itself when it is
// not one): its catalogue says what is "only with a code".
func (s *Site) Original() *Site {
	if s.orig != nil {
		return s.orig
	}
	return s
}

// CancelledLineDiscount is the part of o's discount that leaves the order
// with its line it when the attendee cancels that line, so the refund is
// what the line cost less its share (issue 17): what is left of the
// discount shared among the lines v applies to, in proportion to what they
// cost, rounded half up to the minor unit. A line v does not apply to takes
// nothing. When v is gone (nil) or no longer applies to any of the lines
// (staff edited it since), every line takes its share. The share never
// exceeds what is left of the discount or what the line cost, and the last
// line cancelled is the order's cancellation, which refunds the total then
// left: the refunds of all lines add up to what was paid, never more.
func (o *Order) CancelledLineDiscount(it Item, v *Voucher) int64 {
	if o.DiscountMinor <= 0 {
		return 0
	}
	applies := func(i Item) bool { return v.AppliesTo(i.ProductID, i.VariantID) }
	if !slices.ContainsFunc(o.Items, applies) {
		applies = func(Item) bool { return true }
	}
	if !applies(it) {
		return 0
	}
	var applicable int64
	for _, i := range o.Items {
		if applies(i) {
			applicable += i.UnitPriceMinor * int64(i.Quantity)
		}
	}
	cost := it.UnitPriceMinor * int64(it.Quantity)
	if applicable <= 0 {
		return 0
	}
	share := (o.DiscountMinor*cost + applicable/2) / applicable
	return min(share, o.DiscountMinor, cost)
}
