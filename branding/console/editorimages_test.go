package console

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"marquee/storefront"
)

func TestImageThumbnailsReplaceAndRemove(t *testing.T) {
	s, ev, _ := consoleServer(t)
	b := signedInMember(t, s)
	ctx := context.Background()
	_, page := editorForm(t, b, "devcon")
	csrf := csrfOf(page)

	t.Run("every image has its place, empty ones say so and offer an upload", func(t *testing.T) {
		for _, slot := range []string{"logo", "hero", "favicon", "social"} {
			li := page.doc.Find("li#image-" + slot)
			if li.Find("p.thumb.empty").Length() != 1 || li.Find(`input[type="file"][form="upload-`+slot+`"]`).Length() != 1 {
				t.Errorf("%s: %q", slot, strings.Join(strings.Fields(li.Text()), " "))
			}
			if page.doc.Find(`form#upload-`+slot+`[enctype="multipart/form-data"] input[name="slot"][value="`+slot+`"]`).Length() != 1 {
				t.Errorf("%s: no upload form", slot)
			}
		}
	})
	for _, slot := range []string{"logo", "hero"} {
		ct, body := multipartUpload(t, csrf, slot, slot+".png", pngBytes(t, 400, 200))
		if r := b.do(http.MethodPost, "/events/devcon/branding/image", ct, body); r.status != http.StatusSeeOther {
			t.Fatalf("upload %s: %d %s", slot, r.status, r.text(".problems"))
		}
	}
	draft, _, _ := s.db.BrandingDraft(ctx, ev.ID)
	page = b.get("/events/devcon/branding")
	t.Run("an uploaded image shows as a thumbnail with Replace and Remove", func(t *testing.T) {
		li := page.doc.Find("li#image-logo")
		src, _ := li.Find("img.thumb").Attr("src")
		if src != "/media/"+draft.LogoKey || li.Find("img.thumb").AttrOr("alt", "") != "Current image: Logo" {
			t.Errorf("thumbnail %q, want the draft's logo %q", src, draft.LogoKey)
		}
		if got := strings.TrimSpace(li.Find(`button[form="upload-logo"]`).Text()); got != "Replace Logo" {
			t.Errorf("the upload button says %q", got)
		}
		if got := strings.TrimSpace(li.Find(".image-actions .danger").Text()); got != "Remove Logo" {
			t.Errorf("the remove button says %q", got)
		}
		// Remove asks first: it leads to a page whose form posts the change.
		ask := b.get(li.Find(".image-actions a.danger").AttrOr("href", ""))
		if ask.status != 200 || ask.text("h1") != "Remove the image “Logo” from the draft?" ||
			ask.doc.Find(`form.confirm[action="/events/devcon/branding/image/logo/remove"][method="post"]`).Length() != 1 {
			t.Errorf("the question: %d %q", ask.status, ask.text("h1"))
		}
		if d, _, _ := s.db.BrandingDraft(ctx, ev.ID); d.LogoKey != draft.LogoKey {
			t.Error("asking removed the logo")
		}
		if page.doc.Find("li#image-favicon .danger").Length() != 0 {
			t.Error("Remove is offered for an image that is not there")
		}
	})
	t.Run("another event's image cannot be removed, and an unknown image is not found", func(t *testing.T) {
		other, err := s.db.TenantBySlug(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/events/other/branding/image/logo/remove", "/events/devcon/branding/image/banner/remove"} {
			if r := b.post(path, url.Values{"csrf": {csrf}}); r.status != 404 {
				t.Errorf("POST %s: %d, want 404", path, r.status)
			}
			if r := b.get(path); r.status != 404 {
				t.Errorf("GET %s: %d, want 404", path, r.status)
			}
		}
		if _, hasDraft, _ := s.db.BrandingDraft(ctx, other.ID); hasDraft {
			t.Error("the other event got a draft")
		}
		if r := b.post("/events/devcon/branding/image/logo/remove", url.Values{"csrf": {"forged"}}); r.status != 403 {
			t.Errorf("without the session's token: %d", r.status)
		}
		if d, _, _ := s.db.BrandingDraft(ctx, ev.ID); d.LogoKey != draft.LogoKey {
			t.Error("a refused request removed the logo")
		}
	})
	t.Run("removing clears the image from the draft only", func(t *testing.T) {
		r := b.post("/events/devcon/branding/image/logo/remove", url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/events/devcon/branding?saved=draft#image-logo" {
			t.Fatalf("remove: %d %q", r.status, r.header.Get("Location"))
		}
		d, _, _ := s.db.BrandingDraft(ctx, ev.ID)
		if d.LogoKey != "" || d.HeroKey != draft.HeroKey || d.Colours != draft.Colours {
			t.Fatalf("draft after removing the logo: %+v", d)
		}
		page := b.get("/events/devcon/branding")
		if page.doc.Find("li#image-logo img").Length() != 0 || page.doc.Find("li#image-hero img.thumb").Length() != 1 {
			t.Error("the thumbnails do not follow the draft")
		}
		if live, _ := s.db.PublishedBranding(ctx, ev.ID); live.LogoKey != "" {
			t.Error("the live version changed")
		}
	})
}

func TestPreviewDrawsPlaceholdersInTheDraftsColours(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	cap, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Cap"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}}}})
	if err != nil {
		t.Fatal(err)
	}
	b := signedInMember(t, s)
	form, _ := editorForm(t, b, "devcon")
	if r := b.post("/events/devcon/branding", with(form, "color_primary_hex", "#7c2d12")); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.status, r.text(".problems"))
	}
	preview := b.get("/events/devcon/branding/preview")
	src := preview.doc.Find(`a[href="/products/`+cap.ID.String()+`"] img`).AttrOr("src", "")
	data, ok := strings.CutPrefix(src, "data:image/svg+xml;base64,")
	svg, err := base64.StdEncoding.DecodeString(data)
	if !ok || err != nil || !strings.Contains(string(svg), `fill="#7c2d12"`) || !strings.Contains(string(svg), ">C</text>") {
		t.Fatalf("the cap's picture in the preview: %.80q (%s)", src, svg)
	}
	if live := s.get("devcon.shop.test", "/").doc.Find(`a[href="/products/`+cap.ID.String()+`"] img`).AttrOr("src", ""); live != "/products/"+cap.ID.String()+"/placeholder.svg" {
		t.Errorf("the event's own page shows %q", live)
	}
}
