package db_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"marquee"
	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
)

func TestBrandingDraftPublishRestore(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "branded")
	live := func() string {
		c, err := database.SiteContent(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return c.Branding.Copy["en"].Title
	}
	b, hasDraft, err := database.BrandingDraft(ctx, ev.ID)
	if err != nil || hasDraft || b.Version != 1 {
		t.Fatalf("before any edit: version %d, draft %v, %v", b.Version, hasDraft, err)
	}
	if _, err := database.PublishBranding(ctx, ev.ID, uuid.Nil); marquee.ErrorMessage(err) != "branding.nothing_to_publish" {
		t.Fatalf("publishing without a draft: %v", err)
	}
	b.Copy["en"] = withTitle(b.Copy["en"], "New title")
	b.Colours.Primary = "#aa0000"
	draft, err := database.SaveBrandingDraft(ctx, ev.ID, b)
	if err != nil || draft.Version != 2 {
		t.Fatalf("save draft: version %d, %v", draft.Version, err)
	}
	if got := live(); got != "Title of branded" {
		t.Fatalf("the draft went live: %q", got)
	}
	b.Colours.Primary = "not a colour"
	if _, err := database.SaveBrandingDraft(ctx, ev.ID, b); marquee.ErrorField(err) != "color_primary" {
		t.Fatalf("an invalid colour: %v", err)
	}
	staffID := uuid.New()
	if v, err := database.PublishBranding(ctx, ev.ID, staffID); err != nil || v != 2 {
		t.Fatalf("publish: %d, %v", v, err)
	}
	if got := live(); got != "New title" {
		t.Fatalf("after publish the live title is %q", got)
	}
	history, err := database.BrandingHistory(ctx, ev.ID, 10)
	if err != nil || len(history) != 2 || history[0].Branding.Version != 2 || history[0].PublishedBy.UUID != staffID {
		t.Fatalf("history %+v, %v", history, err)
	}
	restored, err := database.RestoreBranding(ctx, ev.ID, 1)
	if err != nil || restored.Copy["en"].Title != "Title of branded" || restored.Version != 3 {
		t.Fatalf("restore: %+v, %v", restored, err)
	}
	if got := live(); got != "New title" {
		t.Fatalf("a restore is a draft, but the live title changed to %q", got)
	}
	if _, err := database.RestoreBranding(ctx, newTenant(t, database, "someone-else").ID, 2); marquee.ErrorCode(err) != marquee.ENOTFOUND {
		t.Fatalf("restoring another event's version: %v", err)
	}
}

func withTitle(c branding.Copy, title string) branding.Copy {
	c.Title = title
	return c
}
