package db

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"marquee"
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
	return c, notFound(err, msgNotFound)
}

func brandingFromRow(r dbq.Branding) (branding.Branding, error) {
	b := branding.Branding{
		TenantID: r.TenantID, Version: int(r.Version), Theme: r.Theme,
		Colours: branding.Colours{Primary: r.ColorPrimary, Accent: r.ColorAccent, Background: r.ColorBackground, Text: r.ColorText},
	}
	b.Font = r.Font
	if r.LogoKey != nil {
		b.LogoKey = *r.LogoKey
	}
	if r.HeroKey != nil {
		b.HeroKey = *r.HeroKey
	}
	if r.FaviconKey != nil {
		b.FaviconKey = *r.FaviconKey
	}
	if r.SocialImageKey != nil {
		b.SocialImageKey = *r.SocialImageKey
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
		Copy: copyJSON, LogoKey: nonEmpty(b.LogoKey), HeroKey: nonEmpty(b.HeroKey), Font: fontOrSystem(b.Font),
		FaviconKey: nonEmpty(b.FaviconKey), SocialImageKey: nonEmpty(b.SocialImageKey),
	}
}

func fontOrSystem(f string) string {
	if f == "" {
		return "system"
	}
	return f
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nowUTC() time.Time { return time.Now().UTC() }

// BrandingVersion is one published version in an event's history.
type BrandingVersion struct {
	Branding    branding.Branding
	PublishedAt time.Time
	PublishedBy uuid.NullUUID // a staff id
}

// BrandingDraft returns what the editor shows: the event's draft, or the
// live version when there is no draft (hasDraft false).
func (db *DB) BrandingDraft(ctx context.Context, tenantID uuid.UUID) (b branding.Branding, hasDraft bool, err error) {
	err = db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		row, err := q.BrandingGetDraft(ctx, tenantID)
		if isNoRow(err) {
			row, err = q.BrandingGetPublished(ctx, tenantID)
		} else {
			hasDraft = true
		}
		if err != nil {
			return err
		}
		b, err = brandingFromRow(row)
		return err
	})
	return b, hasDraft, notFound(err, msgNotFound)
}

// SaveBrandingDraft stores b as the event's draft, creating the draft (a
// new version number) when there is none. The live version is untouched.
func (db *DB) SaveBrandingDraft(ctx context.Context, tenantID uuid.UUID, b branding.Branding) (branding.Branding, error) {
	if err := b.Validate(); err != nil {
		return b, err
	}
	b.TenantID = tenantID
	var saved branding.Branding
	err := db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		ins := brandingInsertParams(b, "draft")
		row, err := q.BrandingUpdateDraft(ctx, dbq.BrandingUpdateDraftParams{TenantID: tenantID, Theme: ins.Theme,
			ColorPrimary: ins.ColorPrimary, ColorAccent: ins.ColorAccent, ColorBackground: ins.ColorBackground,
			ColorText: ins.ColorText, Copy: ins.Copy, LogoKey: ins.LogoKey, HeroKey: ins.HeroKey, Font: ins.Font,
			FaviconKey: ins.FaviconKey, SocialImageKey: ins.SocialImageKey})
		if isNoRow(err) {
			row, err = q.BrandingInsert(ctx, ins)
		}
		if err != nil {
			return err
		}
		saved, err = brandingFromRow(row)
		return err
	})
	return saved, err
}

// PublishBranding makes the draft the live version, unless its colours
// fail the editor's contrast check (EINVALID, nothing published); the
// transaction tells every replica's cache (InTenantChanging).
func (db *DB) PublishBranding(ctx context.Context, tenantID, staffID uuid.UUID) (int, error) {
	var version int
	err := db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		now := db.now()
		row, err := q.BrandingPublishDraft(ctx, dbq.BrandingPublishDraftParams{TenantID: tenantID, Now: &now,
			PublishedBy: uuid.NullUUID{UUID: staffID, Valid: staffID != uuid.Nil}})
		if err != nil {
			return err
		}
		version = int(row.Version)
		// Checked on the row just published, in its transaction: a draft
		// saved between a check and the publish cannot slip through.
		colours := branding.Colours{Primary: row.ColorPrimary, Accent: row.ColorAccent, Background: row.ColorBackground, Text: row.ColorText}
		if err := colours.CheckReadable(); err != nil {
			return err
		}
		return publishedWebhook(ctx, q, tenantID, version)
	})
	if err != nil {
		return 0, storeError(err, noRowIs(marquee.New(marquee.ECONFLICT, "branding.nothing_to_publish")))
	}
	return version, nil
}

// BrandingHistory lists the published versions, newest first.
func (db *DB) BrandingHistory(ctx context.Context, tenantID uuid.UUID, limit int) ([]BrandingVersion, error) {
	var out []BrandingVersion
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.BrandingListPublished(ctx, dbq.BrandingListPublishedParams{TenantID: tenantID, MaxRows: int32(limit)})
		for _, r := range rows {
			b, berr := brandingFromRow(r)
			if berr != nil {
				return berr
			}
			v := BrandingVersion{Branding: b, PublishedBy: r.PublishedBy}
			if r.PublishedAt != nil {
				v.PublishedAt = *r.PublishedAt
			}
			out = append(out, v)
		}
		return err
	})
	return out, err
}

// RestoreBranding copies a published version into the draft, to be
// previewed and published again.
func (db *DB) RestoreBranding(ctx context.Context, tenantID uuid.UUID, version int) (branding.Branding, error) {
	var old branding.Branding
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		row, err := q.BrandingGetVersion(ctx, dbq.BrandingGetVersionParams{TenantID: tenantID, Version: int32(version)})
		if err != nil {
			return err
		}
		old, err = brandingFromRow(row)
		return err
	})
	if err != nil {
		return old, notFound(err, msgNotFound)
	}
	return db.SaveBrandingDraft(ctx, tenantID, old)
}

// PublishedBranding is the branding an event's storefront shows.
func (db *DB) PublishedBranding(ctx context.Context, tenantID uuid.UUID) (branding.Branding, error) {
	c, err := db.SiteContent(ctx, tenantID)
	return c.Branding, err
}
