package console

import (
	"bytes"
	"context"
	"encoding/base64"

	"github.com/google/uuid"

	"marquee/branding"
	"marquee/db"
	"marquee/storefront"
	storefrontweb "marquee/storefront/web"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// PublishedBrandings lists an event's published versions, newest first;
// db.DB implements it.
type PublishedBrandings interface {
	BrandingHistory(ctx context.Context, tenantID uuid.UUID, limit int) ([]db.BrandingVersion, error)
}

// Publishers finds who published a version by staff id; db.StaffStore
// implements it.
type Publishers interface {
	StaffByID(ctx context.Context, id uuid.UUID) (staff.Staff, error)
}

// SiteContents reads an event's content as its site shows it, uncached;
// db.DB implements it.
type SiteContents interface {
	SiteContent(ctx context.Context, tenantID uuid.UUID) (storefront.SiteContent, error)
}

// HistoryOf lists an event's last 100 published versions with who
// published each (an email, or "" for a removed account or the system).
func HistoryOf(versions PublishedBrandings, accounts Publishers) History {
	return func(ctx context.Context, tenantID uuid.UUID) ([]Version, error) {
		published, err := versions.BrandingHistory(ctx, tenantID, 100)
		if err != nil {
			return nil, err
		}
		out := make([]Version, 0, len(published))
		for _, v := range published {
			row := Version{Number: v.Branding.Version, PublishedAt: v.PublishedAt}
			if v.PublishedBy.Valid {
				if st, err := accounts.StaffByID(ctx, v.PublishedBy.UUID); err == nil {
					row.By = st.Email
				}
			}
			out = append(out, row)
		}
		return out, nil
	}
}

// PreviewOf renders the storefront's landing page of an event with a
// draft branding, from fresh (uncached) content.
func PreviewOf(contents SiteContents, store *storefrontweb.Handler) Preview {
	return func(ctx context.Context, t *tenant.Tenant, b branding.Branding, lang string) ([]byte, error) {
		content, err := contents.SiteContent(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		content.Branding = b
		page, err := store.RenderPreview(storefront.NewSite(t, content), lang)
		return inlinePlaceholders(page, content.Catalogue, b.Colours, t.DefaultLocale), err
	}
}

// inlinePlaceholders puts the pictures of products without a photo into
// the preview as data: URLs in the draft's colours: the preview is served
// on the console's host, where the storefront's placeholder route is not.
func inlinePlaceholders(page []byte, cat storefront.Catalogue, c branding.Colours, locale string) []byte {
	for _, p := range cat.Visible() {
		svg := storefrontweb.PlaceholderSVG(p.Name.In(locale, locale), c)
		page = bytes.ReplaceAll(page, []byte(`"/products/`+p.ID.String()+`/placeholder.svg"`),
			[]byte(`"data:image/svg+xml;base64,`+base64.StdEncoding.EncodeToString(svg)+`"`))
	}
	return page
}
