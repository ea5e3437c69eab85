package console

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"marquee/themes"
)

func TestContrastVerdict(t *testing.T) {
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := set.NewPage("en", nil, nil)
	for _, c := range []struct{ fg, bg, want string }{
		{"#111827", "#ffffff", "AA ✓ 17.7:1"},
		{"#1d4ed8", "#ffffff", "AA ✓ 6.7:1"},
		{"#dddddd", "#ffffff", "Too low: 1.3:1 - hard to read"},
		{"#777777", "#ffffff", "Too low: 4.4:1 - hard to read"}, // 4.48: never shown as the 4.5 it misses
		{"#767676", "#ffffff", "AA ✓ 4.5:1"},
		{"#ffffff", "#000000", "AA ✓ 21.0:1"},
		{"red", "#ffffff", ""},
	} {
		v := contrastVerdict(en, c.fg, c.bg)
		if v.Text != c.want || v.Pass != strings.HasPrefix(c.want, "AA") {
			t.Errorf("%s on %s: %q (pass %v), want %q", c.fg, c.bg, v.Text, v.Pass, c.want)
		}
		if v.OK != "AA ✓ {ratio}:1" || v.Low != "Too low: {ratio}:1 - hard to read" {
			t.Errorf("the script's messages: %q, %q", v.OK, v.Low)
		}
	}
}

func TestColourFields(t *testing.T) {
	s, ev, _ := consoleServer(t)
	b := signedInMember(t, s)
	ctx := context.Background()
	form, page := editorForm(t, b, "devcon")

	t.Run("each colour shows its hex value, and text and primary their contrast with the background", func(t *testing.T) {
		if v, _ := page.doc.Find(`input#color_primary_hex[type="text"]`).Attr("value"); v != blue.Primary {
			t.Errorf("primary's hex field %q, want %s", v, blue.Primary)
		}
		if got := page.text("#color_text-verdict strong"); got != "AA ✓ 17.7:1" {
			t.Errorf("text's verdict %q", got)
		}
		if got := page.text("#color_primary-verdict strong"); got != "AA ✓ 6.7:1" {
			t.Errorf("primary's verdict %q", got)
		}
		if page.doc.Find("#color_accent-verdict, #color_background-verdict").Length() != 0 {
			t.Error("accent and background have a verdict of their own")
		}
		if page.doc.Find(`label[for="color_primary_hex"]`).Text() != "Primary colour" {
			t.Error("the hex field has no label")
		}
	})
	t.Run("a bad hex value is refused naming the colour, and nothing is written", func(t *testing.T) {
		for _, bad := range []string{"#12345", "blue", "#gggggg", "#1234567", "#<b>"} {
			r := b.post("/events/devcon/branding", with(form, "color_primary_hex", bad))
			if r.status != 422 || !strings.HasPrefix(r.text(".problems"), "Primary colour: Enter the colour as #rrggbb") {
				t.Errorf("%q: status %d, %q", bad, r.status, r.text(".problems"))
				continue
			}
			if r.doc.Find(`.problems a[href="#color_primary_hex"]`).Length() != 1 || r.doc.Find(`input#color_primary_hex[aria-invalid="true"]`).Length() != 1 {
				t.Errorf("%q: the refusal does not lead to the field", bad)
			}
		}
		if _, hasDraft, _ := s.db.BrandingDraft(ctx, ev.ID); hasDraft {
			t.Fatal("a refused colour saved a draft")
		}
	})
	t.Run("a typed hex value wins over the untouched picker, and may be short or in capitals", func(t *testing.T) {
		if r := b.post("/events/devcon/branding", with(with(form, "color_primary_hex", "A0C"), "color_accent_hex", "#F59E0B")); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		d, _, _ := s.db.BrandingDraft(ctx, ev.ID)
		if d.Colours.Primary != "#aa00cc" || d.Colours.Accent != "#f59e0b" {
			t.Fatalf("saved %+v", d.Colours)
		}
	})
	t.Run("a picked colour wins over the untouched hex field (no script to copy it over)", func(t *testing.T) {
		form, _ := editorForm(t, b, "devcon")
		if r := b.post("/events/devcon/branding", with(form, "color_text", "#2B2B2B")); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		d, _, _ := s.db.BrandingDraft(ctx, ev.ID)
		if d.Colours.Text != "#2b2b2b" || d.Colours.Primary != "#aa00cc" {
			t.Fatalf("saved %+v", d.Colours)
		}
		_, page := editorForm(t, b, "devcon")
		if got := page.text("#color_text-verdict strong"); got != "AA ✓ 14.1:1" {
			t.Errorf("the verdict after saving %q", got)
		}
	})
	t.Run("a low contrast says so beside the colour", func(t *testing.T) {
		form, _ := editorForm(t, b, "devcon")
		if r := b.post("/events/devcon/branding", with(form, "color_primary_hex", "#ffdd00")); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		_, page := editorForm(t, b, "devcon")
		if got := page.text("#color_primary-verdict strong"); got != "Too low: 1.3:1 - hard to read" || !page.doc.Find("#color_primary-verdict").HasClass("fail") {
			t.Errorf("the verdict %q", got)
		}
	})
}

func TestEditorPublishesWhatItShows(t *testing.T) {
	s, _, _ := consoleServer(t)
	b := signedInMember(t, s)
	form, page := editorForm(t, b, "devcon")
	if page.doc.Find(`button[formaction="/events/devcon/branding/publish"]`).Length() != 0 {
		t.Fatal("Publish is offered with nothing to publish")
	}
	if r := b.post("/events/devcon/branding", with(form, "tagline.en", "Draft one")); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.status)
	}
	form, page = editorForm(t, b, "devcon")
	publish, ok := page.doc.Find(`form.branding-form .action-bar button[formaction]`).Attr("formaction")
	if !ok || publish != "/events/devcon/branding/publish" {
		t.Fatalf("the action bar has no Publish: %q", page.text(".action-bar"))
	}
	// Changed but not saved: Publish saves what the editor shows, then publishes it.
	if r := b.post(publish, with(form, "title.en", "Shown, then published")); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.status, r.text(".problems"))
	}
	waitFor(t, time.Second, func() bool { return s.get("devcon.shop.test", "/").text("h1") == "Shown, then published" })
	t.Run("a refused form publishes nothing", func(t *testing.T) {
		if r := b.post(publish, with(with(form, "title.en", "Never"), "color_text_hex", "nope")); r.status != 422 {
			t.Fatalf("status %d", r.status)
		}
		time.Sleep(100 * time.Millisecond)
		if got := s.get("devcon.shop.test", "/").text("h1"); got != "Shown, then published" {
			t.Fatalf("the public page shows %q", got)
		}
	})
	t.Run("the live preview beside the editor is the preview route, which the console's pages may frame", func(t *testing.T) {
		src, _ := page.doc.Find("aside.editor-preview iframe.preview-frame").Attr("src")
		if src != "/events/devcon/branding/preview" {
			t.Fatalf("preview frame %q", src)
		}
		r := b.get(src)
		if r.status != 200 || r.header.Get("X-Frame-Options") != "SAMEORIGIN" || !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
			t.Fatalf("preview %d, X-Frame-Options %q, CSP %q", r.status, r.header.Get("X-Frame-Options"), r.header.Get("Content-Security-Policy"))
		}
	})
}
