package db

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"marquee/branding"
	"marquee/db/internal/dbq"
	"marquee/storefront"
)

// SiteContent reads everything the storefront shows of an event in one
// transaction: published branding, catalogue, shop settings, order form.
func (db *DB) SiteContent(ctx context.Context, tenantID uuid.UUID) (storefront.SiteContent, error) {
	var c storefront.SiteContent
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		row, err := q.BrandingGetPublished(ctx, tenantID)
		if err != nil {
			return err
		}
		if c.Branding, err = brandingFromRow(row); err != nil {
			return err
		}
		if c.Catalogue, err = catalogueIn(ctx, q, tenantID); err != nil {
			return err
		}
		if c.Settings, err = settingsIn(ctx, q, tenantID); err != nil {
			return err
		}
		c.Fields, err = formFieldsIn(ctx, q, tenantID)
		return err
	})
	return c, notFound(err, "error.not_found")
}

func brandingFromRow(r dbq.Branding) (branding.Branding, error) {
	b := branding.Branding{
		TenantID: r.TenantID, Version: int(r.Version), Theme: r.Theme,
		Colours: branding.Colours{Primary: r.ColorPrimary, Accent: r.ColorAccent, Background: r.ColorBackground, Text: r.ColorText},
	}
	if err := json.Unmarshal(r.Copy, &b.Copy); err != nil {
		return b, fmt.Errorf("branding %d copy: %w", r.Version, err)
	}
	return b, nil
}

func brandingInsertParams(b branding.Branding, state string) dbq.BrandingInsertParams {
	copyJSON, _ := json.Marshal(b.Copy) // a map of strings always marshals
	return dbq.BrandingInsertParams{
		TenantID: b.TenantID, State: state, Theme: b.Theme,
		ColorPrimary: b.Colours.Primary, ColorAccent: b.Colours.Accent,
		ColorBackground: b.Colours.Background, ColorText: b.Colours.Text,
		Copy: copyJSON,
	}
}

func nowUTC() time.Time { return time.Now().UTC() }
