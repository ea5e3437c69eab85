package themes_test

import (
	"bytes"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/pickupqr"
	"marquee/storefront/pickupqr/pickupqrtest"
	"marquee/tenant/web/browsertest"
	"marquee/themes"
)

// deskPage is the desk page's part the scanner works with, as
// console_desk.html renders it (contract 2 of issue 18): the lookup form,
// the hidden scanner area and the scanner's script (which loads jsQR when
// it is first needed), under the console's policy.
const deskPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Desk</title></head><body>
<form id="desk-lookup" method="get" action="/find"><input id="desk-q" name="q"><button>Find</button></form>
<section id="desk-scanner" hidden data-looking="Looking" data-found="Found" data-no-camera="No camera">
<video id="desk-video" playsinline muted></video>
<p><button type="button" id="desk-scan-start">Start the camera</button></p>
<p id="desk-scan-status" role="status"></p></section>
<script src="/static/desk-scan.js" defer></script>
</body></html>`

// deskServer serves the desk page, the static files, the QR code of token
// as a PNG, and records the lookups the page submits.
type deskServer struct {
	url     string
	mu      sync.Mutex
	lookups []string
}

func startDeskServer(t *testing.T, qrPNG []byte) *deskServer {
	t.Helper()
	d := &deskServer{}
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(themes.Static())))
	mux.HandleFunc("/desk", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(deskPage))
	})
	mux.HandleFunc("/qr.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(qrPNG)
	})
	mux.HandleFunc("/find", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.lookups = append(d.lookups, r.URL.Query().Get("q"))
		d.mu.Unlock()
		_, _ = w.Write([]byte("<!doctype html><title>found</title><p id=found>found</p>"))
	})
	srv := httptest.NewServer(mux) // on 127.0.0.1: a secure context, where cameras may open
	t.Cleanup(srv.Close)
	d.url = srv.URL
	return d
}

func (d *deskServer) seen() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.lookups...)
}

// pickupToken is a real order's pick-up token and its QR code as the
// confirmation email's PNG.
func pickupToken(t *testing.T) (string, []byte) {
	t.Helper()
	tok := storefront.PickupTokens{Key: []byte("0123456789abcdef0123456789abcdef")}.Token(uuid.New(), "K7M3-Q9XZ")
	c, err := pickupqr.Encode(tok)
	if err != nil {
		t.Fatal(err)
	}
	data, err := c.PNG(6)
	if err != nil {
		t.Fatal(err)
	}
	return tok, data
}

// TestDeskDecode: marqueeDeskDecode reads a real token from its code drawn
// on a canvas, and nothing from a blank image. (Short test names: Chromium's
// socket lives in the test's temporary directory, whose path must stay
// short.)
func TestDeskDecode(t *testing.T) {
	exe := browsertest.Exe(t)
	tok, qrPNG := pickupToken(t)
	srv := startDeskServer(t, qrPNG)
	tab := browsertest.Tab(t, browsertest.Start(t, exe, browsertest.Options{Lang: "en", AcceptLang: "en", Within: 30 * time.Second}))
	if err := chromedp.Do(tab, chromedp.Navigate(srv.url+"/desk")); err != nil {
		t.Fatal(err)
	}
	loaded, err := chromedp.Run(tab, chromedp.Evaluate[string](`String(typeof window.jsQR)`))
	if err != nil || loaded != "undefined" {
		t.Fatalf("jsQR is %q (%v) before it is needed, want it loaded on demand", loaded, err)
	}
	got, err := chromedp.Run(tab, chromedp.Evaluate[string](`window.marqueeDeskReady().then(() => new Promise((done, fail) => {
		const img = new Image();
		img.onload = () => {
			const c = document.createElement("canvas");
			c.width = img.width; c.height = img.height;
			const ctx = c.getContext("2d");
			ctx.drawImage(img, 0, 0);
			done(String(window.marqueeDeskDecode(ctx.getImageData(0, 0, c.width, c.height))));
		};
		img.onerror = () => fail(new Error("no image"));
		img.src = "/qr.png";
	}))`, chromedp.EvalAwaitPromise))
	if err != nil || got != tok {
		t.Fatalf("marqueeDeskDecode = %q (%v), want the token %q", got, err, tok)
	}
	blank, err := chromedp.Run(tab, chromedp.Evaluate[string](`String(window.marqueeDeskDecode(new ImageData(40, 40)))`))
	if err != nil || blank != "null" {
		t.Errorf("a blank image reads %q (%v), want null", blank, err)
	}
}

// TestDeskScan: with a camera, the scanner area shows; a tap on start opens
// it and the code before it fills the lookup and submits it.
func TestDeskScan(t *testing.T) {
	exe := browsertest.Exe(t)
	tok, qrPNG := pickupToken(t)
	srv := startDeskServer(t, qrPNG)
	img, err := png.Decode(bytes.NewReader(qrPNG))
	if err != nil {
		t.Fatal(err)
	}
	video := filepath.Join(t.TempDir(), "code.y4m")
	if err := os.WriteFile(video, pickupqrtest.Y4M(img, 640, 480), 0o600); err != nil {
		t.Fatal(err)
	}
	tab := browsertest.Tab(t, browsertest.Start(t, exe, browsertest.Options{Lang: "en", AcceptLang: "en", Within: 30 * time.Second,
		Flags: map[string]any{"use-fake-device-for-media-stream": true, "use-fake-ui-for-media-stream": true,
			"use-file-for-fake-video-capture": video}}))
	if err := chromedp.Do(tab, chromedp.Navigate(srv.url+"/desk")); err != nil {
		t.Fatal(err)
	}
	hidden, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.getElementById("desk-scanner").hidden`))
	if err != nil || hidden {
		t.Fatalf("the scanner area is hidden (%v) where a camera can open", err)
	}
	if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS("#desk-scan-start"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS("#found"))); err != nil {
		t.Fatalf("the page never submitted a lookup: %v", err)
	}
	if got := srv.seen(); len(got) != 1 || got[0] != tok {
		t.Fatalf("lookups %q, want one with the token %q", got, tok)
	}
	loc, err := chromedp.Run(tab, chromedp.Location())
	if err != nil || !strings.Contains(loc, "/find?q=MQP1.K7M3-Q9XZ.") {
		t.Errorf("the browser is at %q (%v), want the lookup of the token", loc, err)
	}
}
