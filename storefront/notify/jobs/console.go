package jobs

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/storefront/notify/render"
	"marquee/tenant"
)

// What the console shows of the emails, built by the same code as the
// emails the workers send: a sample of each kind, and a supplier's list
// as a download.

// Kinds lists the email kinds with their names in lang.
func (d *Deps) Kinds(lang string) []render.KindName { return d.Renderer.Kinds(lang) }

// Preview renders an email of kind with sample data, in the event's
// branding and in lang.
func (d *Deps) Preview(ctx context.Context, t *tenant.Tenant, kind notify.Kind, lang string) (notify.Message, error) {
	_, _, ev, err := d.Event(ctx, t.ID)
	if err != nil {
		return notify.Message{}, err
	}
	return d.Renderer.Sample(kind, ev, lang)
}

// BatchFile is a supplier's list as its batch email would attach it today,
// in format ("csv" or "xlsx"); a supplier the event does not have is not
// found.
func (d *Deps) BatchFile(ctx context.Context, tenantID, supplierID uuid.UUID, format string) (notify.Attachment, error) {
	list, err := d.Store.Suppliers(ctx, tenantID)
	if err != nil {
		return notify.Attachment{}, err
	}
	for _, s := range list {
		if s.ID != supplierID {
			continue
		}
		_, _, ev, err := d.Event(ctx, tenantID)
		if err != nil {
			return notify.Attachment{}, err
		}
		_, files, err := BatchFiles(ctx, d.Store, ev, tenantID, s)
		if err != nil {
			return notify.Attachment{}, err
		}
		for _, f := range files {
			if strings.HasSuffix(f.Name, "."+format) {
				return f, nil
			}
		}
	}
	return notify.Attachment{}, marquee.New(marquee.ENOTFOUND, "error.not_found")
}

// MessagePreview renders a message to attendees as one whose order is in
// lang receives it, in the event's branding (the console's preview).
func (d *Deps) MessagePreview(ctx context.Context, t *tenant.Tenant, m *storefront.Message, lang string) (notify.Message, error) {
	_, _, ev, err := d.Event(ctx, t.ID)
	if err != nil {
		return notify.Message{}, err
	}
	return d.Renderer.AttendeeMessage(ev, lang, m.Text(lang, t.DefaultLocale), "attendee@example.com")
}
