package webhooks

import (
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/tenant"
)

// OrderData is an order as webhooks and the REST API show it.
type OrderData struct {
	ID            uuid.UUID        `json:"id"`
	EventID       uuid.UUID        `json:"event_id"`
	Number        string           `json:"number"`
	Status        string           `json:"status"`
	PaymentState  string           `json:"payment_state"`
	Email         string           `json:"email"`
	Name          string           `json:"name"`
	Locale        string           `json:"locale"`
	Answers       map[string]any   `json:"answers"`
	Address       *address.Address `json:"address"`
	Currency      string           `json:"currency"`
	TotalMinor    int64            `json:"total_minor"`
	DiscountMinor int64            `json:"discount_minor"`
	VoucherCode   string           `json:"voucher_code"`
	CreatedAt     time.Time        `json:"created_at"`
	Erased        bool             `json:"erased"` // its personal data was erased
	Items         []OrderItem      `json:"items"`
	History       []OrderChange    `json:"history"`
}

// OrderItem is one line of an order.
type OrderItem struct {
	Position       int             `json:"position"`
	ProductID      uuid.UUID       `json:"product_id"`
	VariantID      uuid.UUID       `json:"variant_id"`
	ProductName    storefront.Text `json:"product_name"`  // per language
	VariantLabel   storefront.Text `json:"variant_label"` // per language
	Quantity       int             `json:"quantity"`
	UnitPriceMinor int64           `json:"unit_price_minor"`
	Answers        map[string]any  `json:"answers"`
	DispatchedAt   *time.Time      `json:"dispatched_at"`
	DispatchNote   string          `json:"dispatch_note"`
}

// OrderChange is one row of an order's history: a status, or a change
// the attendee made ("change" not empty).
type OrderChange struct {
	Status string    `json:"status"`
	Change string    `json:"change,omitempty"`
	Note   string    `json:"note,omitempty"`
	Actor  string    `json:"actor"`
	At     time.Time `json:"at"`
}

// EventOf is the order's event.
func (o OrderData) EventOf() uuid.UUID { return o.EventID }

// Order is o's representation (webhooks' order.* data, the REST API's
// order).
func Order(o *storefront.Order) OrderData {
	d := OrderData{
		ID: o.ID, EventID: o.TenantID, Number: o.Number, Status: string(o.Status), PaymentState: string(o.PaymentState),
		Email: o.Email, Name: o.Name, Locale: o.Locale, Answers: orEmpty(o.Answers), Address: o.Address,
		Currency: o.Currency, TotalMinor: o.TotalMinor, DiscountMinor: o.DiscountMinor, VoucherCode: o.VoucherCode,
		CreatedAt: o.CreatedAt, Erased: o.ErasedAt != nil,
		Items: make([]OrderItem, 0, len(o.Items)), History: make([]OrderChange, 0, len(o.History)),
	}
	if d.PaymentState == "" {
		d.PaymentState = string(storefront.PaymentNone)
	}
	for _, it := range o.Items {
		d.Items = append(d.Items, OrderItem{
			Position: it.Position, ProductID: it.ProductID, VariantID: it.VariantID, ProductName: it.ProductName,
			VariantLabel: it.VariantLabel, Quantity: it.Quantity, UnitPriceMinor: it.UnitPriceMinor,
			Answers: orEmpty(it.Answers), DispatchedAt: it.DispatchedAt, DispatchNote: it.DispatchNote,
		})
	}
	for _, h := range o.History {
		d.History = append(d.History, OrderChange{Status: string(h.Status), Change: string(h.Change), Note: h.Note, Actor: h.Actor, At: h.At})
	}
	return d
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// StockData is an option whose last unit went (stock.sold_out).
type StockData struct {
	EventID      uuid.UUID       `json:"event_id"`
	ProductID    uuid.UUID       `json:"product_id"`
	VariantID    uuid.UUID       `json:"variant_id"`
	ProductName  storefront.Text `json:"product_name"`
	VariantLabel storefront.Text `json:"variant_label"`
}

// EventOf is the option's event.
func (s StockData) EventOf() uuid.UUID { return s.EventID }

// EventData is an event (event.published, event.closed, event.archived).
type EventData struct {
	ID       uuid.UUID  `json:"id"`
	Slug     string     `json:"slug"`
	Name     string     `json:"name"`
	Status   string     `json:"status"`
	Locales  []string   `json:"locales"`
	Currency string     `json:"currency"`
	StartsOn *time.Time `json:"starts_on"`
	EndsOn   *time.Time `json:"ends_on"`
	ClosesAt *time.Time `json:"closes_at"`
	// BrandingVersion is the version event.published published (0: none).
	BrandingVersion int `json:"branding_version,omitempty"`
}

// EventOf is the event itself.
func (e EventData) EventOf() uuid.UUID { return e.ID }

// Event is t's representation in webhooks' event.* data.
func Event(t *tenant.Tenant) EventData {
	return EventData{ID: t.ID, Slug: t.Slug, Name: t.Name, Status: string(t.Status), Locales: t.Locales,
		Currency: t.Currency, StartsOn: t.StartsOn, EndsOn: t.EndsOn, ClosesAt: t.ClosesAt}
}

// TestData is the data of a test message (TestType).
type TestData struct {
	EndpointID uuid.UUID `json:"endpoint_id"`
	Message    string    `json:"message"`
}
