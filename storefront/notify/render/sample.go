package render

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"maps"
	"strconv"
	"strings"
	"time"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/storefront/notify"
)

// Sample renders kind for the console's preview with realistic made-up
// data in lang: an order of two items with answers to the event's fields
// and, when the event ships, an address. Supplier emails go out in the
// event's default language; their preview is in lang so staff can check
// every translation.
func (r *Renderer) Sample(kind notify.Kind, ev Event, lang string) (notify.Message, error) {
	o := r.sampleOrder(ev, lang)
	switch kind {
	case notify.KindSupplierOrder:
		return r.supplierOrder(ev, lang, sampleSupplier, []string{sampleSupplierEmail}, o, o.Items, sampleDispatchLink(ev, o.Number))
	case notify.KindSupplierCancelled:
		return r.supplierCancellation(ev, lang, sampleSupplier, []string{sampleSupplierEmail}, o, o.Items)
	case notify.KindWaitlistOffer:
		return r.sampleWaitlistOffer(ev, lang, o)
	case notify.KindAttendeeMessage:
		return r.AttendeeMessage(ev, lang, storefront.MessageText{Subject: r.tr.T(lang, "email.sample.message_subject", "Event", r.newFrame(ev, lang).Event),
			Body: r.tr.T(lang, "email.sample.message_body")}, o.Email)
	case notify.KindWebhookDisabled:
		return r.WebhookDisabled(ev, lang, []string{"owner@example.com"}, "https://crm.example.com/marquee",
			time.Date(2027, 5, 3, 9, 15, 0, 0, time.UTC), "https://console.example.com/events/"+ev.Slug+"/webhooks")
	case notify.KindSupplierChanged:
		return r.supplierChange(ev, lang, sampleSupplier, []string{sampleSupplierEmail}, o, o.Items, sampleChange(o, lang))
	case notify.KindOrderChanged:
		return r.AttendeeChange(ev, o, strings.TrimRight(ev.BaseURL, "/")+"/orders/"+o.Number+"?sig=sample", sampleChange(o, lang))
	case notify.KindSupplierBatch:
		rows := sampleMatrix(o, lang)
		return r.supplierBatch(ev, lang, sampleSupplier, []string{sampleSupplierEmail}, BatchClosed, rows, []notify.Attachment{sampleCSV(ev, rows)}, sampleDispatchLink(ev, ""))
	}
	note := ""
	if kind == notify.KindStatusDispatched {
		note = "DHL 00340434161094042557"
	}
	pickup := ""
	if storefront.ShowsPickupCode(&o, ev.Ships) {
		pickup = "MQP1." + o.Number + ".sample" // a token's shape; no desk reads it
	}
	return r.AttendeeWithPickupCode(kind, ev, o, strings.TrimRight(ev.BaseURL, "/")+"/orders/"+o.Number+"?sig=sample", note, pickup)
}

// sampleChange is a swap of the sample order's first line from M to L.
func sampleChange(o storefront.Order, lang string) storefront.StatusChange {
	return storefront.StatusChange{Status: storefront.StatusPlaced, Change: storefront.ChangeOptionSwapped,
		Note: storefront.SwapNote(&o, o.Items[0], storefront.Text{lang: "L"}, lang)}
}

const (
	sampleSupplier      = "Acme Print"
	sampleSupplierEmail = "orders@acme-print.example"
)

func (r *Renderer) sampleOrder(ev Event, lang string) storefront.Order {
	item := map[string]any{}
	for _, f := range form.Sorted(ev.Fields, form.ScopeItem) {
		item[f.Key] = r.sampleAnswer(f, lang)
	}
	o := storefront.Order{Number: "K7M3-Q9XZ", Email: "ada@example.com", Name: "Ada Lovelace", Locale: lang,
		Status: storefront.StatusPlaced, Answers: map[string]any{}, Currency: cmp.Or(ev.Currency, "EUR"),
		TotalMinor: 3500, CreatedAt: time.Date(2027, 5, 3, 14, 30, 0, 0, time.UTC),
		Items: []storefront.Item{
			{Position: 1, ProductName: storefront.Text{lang: r.tr.T(lang, "email.sample.tshirt")},
				VariantLabel: storefront.Text{lang: "M"}, Quantity: 1, UnitPriceMinor: 1500, Answers: item},
			{Position: 2, ProductName: storefront.Text{lang: r.tr.T(lang, "email.sample.hoodie")},
				VariantLabel: storefront.Text{lang: "L"}, Quantity: 1, UnitPriceMinor: 2000, Answers: maps.Clone(item)},
		}}
	scopes := []form.Scope{form.ScopeCustomer}
	if ev.Ships { // shipping fields are asked only when the event ships
		scopes = append(scopes, form.ScopeShipping)
	}
	for _, s := range scopes {
		for _, f := range form.Sorted(ev.Fields, s) {
			o.Answers[f.Key] = r.sampleAnswer(f, lang)
		}
	}
	if ev.Ships {
		o.Address = &address.Address{Name: o.Name, Line1: "Friedrichstraße 123", Locality: "Berlin",
			PostalCode: "10117", CountryCode: "DE"}
	}
	return o
}

// sampleAnswer is a plausible answer to f, stored as form.Parse stores it.
func (r *Renderer) sampleAnswer(f form.Field, lang string) any {
	switch f.Type {
	case form.TypeEmail:
		return "ada@example.com"
	case form.TypePhone:
		return "+49 30 1234567"
	case form.TypeNumber:
		return int64(2)
	case form.TypeCheckbox:
		return true
	case form.TypeDate:
		return "2027-06-30"
	case form.TypeCountry:
		return "DE"
	case form.TypeSingleChoice, form.TypeMultipleChoice:
		if len(f.Options) > 0 {
			if f.Type == form.TypeMultipleChoice {
				return []string{f.Options[0].Value}
			}
			return f.Options[0].Value
		}
	}
	return r.tr.T(lang, "email.sample.text")
}

func sampleMatrix(o storefront.Order, lang string) []MatrixRow {
	rows := make([]MatrixRow, 0, len(o.Items))
	for i, it := range o.Items {
		qty := 12 + 8*i
		rows = append(rows, MatrixRow{Product: it.ProductName.In(lang, lang),
			Cells: []MatrixCell{{Variant: "M", Qty: qty}, {Variant: "L", Qty: qty / 2}}, Total: qty + qty/2})
	}
	return rows
}

// sampleCSV is a small stand-in for the list that the supplier dispatch
// attaches, so the preview shows an attachment.
func sampleCSV(ev Event, rows []MatrixRow) notify.Attachment {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write([]string{"product", "variant", "quantity"}) // a bytes.Buffer does not fail
	for _, row := range rows {
		for _, c := range row.Cells {
			_ = w.Write([]string{row.Product, c.Variant, strconv.Itoa(c.Qty)})
		}
	}
	w.Flush()
	name := cmp.Or(ev.Slug, "event") + "-acme-print.csv"
	return notify.Attachment{Name: name, ContentType: "text/csv; charset=utf-8", Data: b.Bytes()}
}

// sampleDispatchLink is a made-up supplier link of order number ("" a
// list's), expiring in 90 days.
func sampleDispatchLink(ev Event, number string) DispatchLink {
	u := strings.TrimRight(ev.BaseURL, "/") + "/supplier/00000000-0000-0000-0000-000000000001?exp=1&sig=sample"
	if number != "" {
		u += "&order=" + number
	}
	return DispatchLink{URL: u, Until: time.Now().AddDate(0, 0, 90)}
}
