package console

import (
	"context"
	"image"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"marquee/tenant/web/webtest"
)

// multipartUpload builds the editor's image form.
func multipartUpload(t *testing.T, csrf, slot, filename string, data []byte) (string, string) {
	t.Helper()
	return webtest.Upload(t, filename, data, "csrf", csrf, "slot", slot)
}

func pngBytes(t *testing.T, w, h int) []byte { return webtest.PNG(t, w, h) }

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestLogoUpload(t *testing.T) {
	s, ev, _ := consoleServer(t)
	b := signedInMember(t, s)
	_, page := editorForm(t, b, "devcon")
	csrf := csrfOf(page)
	mediaDir := s.mediaDir

	t.Run("a file that is no image is refused with the reason and nothing is stored", func(t *testing.T) {
		before := countFiles(t, mediaDir)
		ct, body := multipartUpload(t, csrf, "logo", "logo.png", []byte("<svg onload=alert(1)></svg>"))
		r := b.do(http.MethodPost, "/events/devcon/branding/image", ct, body)
		if r.status != 422 || !strings.Contains(r.text(".problems"), "This file type is not supported") {
			t.Fatalf("status %d, %q", r.status, r.text(".problems"))
		}
		if countFiles(t, mediaDir) != before {
			t.Fatal("a refused upload stored files")
		}
		if _, hasDraft, _ := s.db.BrandingDraft(context.Background(), ev.ID); hasDraft {
			t.Fatal("a refused upload created a draft")
		}
	})
	t.Run("an upload without the session's token is refused", func(t *testing.T) {
		ct, body := multipartUpload(t, "forged", "logo", "logo.png", pngBytes(t, 40, 20))
		if r := b.do(http.MethodPost, "/events/devcon/branding/image", ct, body); r.status != 403 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("a logo goes into the draft and, once published, onto the storefront", func(t *testing.T) {
		ct, body := multipartUpload(t, csrf, "logo", "logo.png", pngBytes(t, 400, 200))
		if r := b.do(http.MethodPost, "/events/devcon/branding/image", ct, body); r.status != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", r.status, r.text(".problems"))
		}
		if s.get("devcon.shop.test", "/").doc.Find("img.logo").Length() != 0 {
			t.Fatal("the logo is live before publishing")
		}
		if r := b.post("/events/devcon/branding/publish", mapValues("csrf", csrf)); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d", r.status)
		}
		var src string
		waitFor(t, time.Second, func() bool {
			src, _ = s.get("devcon.shop.test", "/").doc.Find("img.logo").Attr("src")
			return src != ""
		})
		if !strings.HasPrefix(src, "/media/"+ev.ID.String()+"/") || !strings.HasSuffix(src, "/320.png") {
			t.Fatalf("logo src %q", src)
		}
		if icon, _ := s.get("devcon.shop.test", "/").doc.Find(`link[rel="icon"]`).Attr("href"); icon != src {
			t.Errorf("favicon %q, want the logo %q when no favicon is uploaded", icon, src)
		}
		res, err := http.DefaultClient.Do(mustRequest(t, s.url+src, "devcon.shop.test"))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		cfg, format, err := image.DecodeConfig(res.Body)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") ||
			err != nil || format != "png" || cfg.Width != 320 {
			t.Fatalf("served logo: %d %q %q, %s %dx%d %v", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"), format, cfg.Width, cfg.Height, err)
		}
	})
}

func TestTextEditsKeepTheImagesAndSocialPreview(t *testing.T) {
	s, ev, _ := consoleServer(t)
	b := signedInMember(t, s)
	_, page := editorForm(t, b, "devcon")
	ct, body := multipartUpload(t, csrfOf(page), "social", "share.png", pngBytes(t, 800, 400))
	if r := b.do(http.MethodPost, "/events/devcon/branding/image", ct, body); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.text(".problems"))
	}
	form, _ := editorForm(t, b, "devcon")
	form.Set("social_title.en", "Come to DevCon")
	if r := b.post("/events/devcon/branding", form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.status)
	}
	draft, _, err := s.db.BrandingDraft(context.Background(), ev.ID)
	if err != nil || draft.SocialImageKey == "" {
		t.Fatalf("saving the text form dropped the uploaded image: %+v, %v", draft, err)
	}
	preview := b.do(http.MethodGet, "/events/devcon/branding/preview", "", "")
	title, _ := preview.doc.Find(`meta[property="og:title"]`).Attr("content")
	image, _ := preview.doc.Find(`meta[property="og:image"]`).Attr("content")
	if title != "Come to DevCon" || !strings.HasPrefix(image, "/media/"+ev.ID.String()+"/") {
		t.Fatalf("og:title %q, og:image %q", title, image)
	}
}

func mustRequest(t *testing.T, u, host string) *http.Request {
	t.Helper()
	return webtest.NewRequest(t, http.MethodGet, u, host, "")
}

func mapValues(k, v string) map[string][]string { return map[string][]string{k: {v}} }
