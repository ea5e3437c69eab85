package render

import (
	"cmp"
	"fmt"
	"slices"

	"marquee/storefront/notify"
	"marquee/themes"
)

// BatchReason is why a supplier's list is sent; its wording says so.
type BatchReason int

// The reasons a list is sent.
const (
	BatchClosed    BatchReason = iota // orders have closed: the closing time passed or the event ended
	BatchScheduled                    // the supplier's send time came while orders are still open
	BatchRequested                    // staff sent it now ("send now") while orders are still open
)

// introIDs are the batch email's opening words for each reason.
var introIDs = map[BatchReason]string{
	BatchClosed:    "email.supplier_batch.intro",
	BatchScheduled: "email.supplier_batch.intro_scheduled",
	BatchRequested: "email.supplier_batch.intro_requested",
}

// MatrixRow is one product of a supplier's list: how many of each variant
// to make.
type MatrixRow struct {
	Product string
	Cells   []MatrixCell
	Total   int
}

// MatrixCell is how many of one variant to make.
type MatrixCell struct {
	Variant string
	Qty     int
}

// SupplierBatch renders supplier supplierName's list for the whole event,
// for the addresses to, in the event's default language: summary says what
// to make, attachments (the CSV and XLSX lists of every order) go with it,
// reason why it is sent now, and link where the supplier marks the lines
// dispatched.
func (r *Renderer) SupplierBatch(ev Event, supplierName string, to []string, reason BatchReason, summary []MatrixRow, attachments []notify.Attachment, link DispatchLink) (notify.Message, error) {
	return r.supplierBatch(ev, cmp.Or(ev.DefaultLocale, themes.DefaultLocale), supplierName, to, reason, summary, attachments, link)
}

func (r *Renderer) supplierBatch(ev Event, lang, supplierName string, to []string, reason BatchReason, summary []MatrixRow, attachments []notify.Attachment, link DispatchLink) (notify.Message, error) {
	intro, ok := introIDs[reason]
	if !ok {
		return notify.Message{}, fmt.Errorf("render: unknown batch reason %d", reason)
	}
	v := &supplierBatchMail{frame: r.newFrame(ev, lang), dispatch: r.dispatchView(ev, lang, link), Supplier: supplierName, Rows: summary, IntroID: intro}
	for _, row := range summary {
		v.Pieces += row.Total
	}
	for _, a := range attachments {
		v.Files = append(v.Files, a.Name)
	}
	return r.message(notify.KindSupplierBatch, ev, to, v, slices.Clone(attachments))
}

type supplierBatchMail struct {
	frame
	dispatch
	Supplier string
	IntroID  string // the message ID of the opening words, by BatchReason
	Rows     []MatrixRow
	Pieces   int
	Files    []string
}
