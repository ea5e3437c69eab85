package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/pickupqr"
	"marquee/tenant/staff"
	"marquee/tenant/web/browsertest"
)

// The pick-up desk in Chromium: the QR code of a real order's pick-up
// token is the camera's picture (Chromium's fake capture device reading a
// Y4M file made from qr's PNG), the desk's scanner decodes it and opens the
// order's card, staff tap Collected, the attendee's email arrives, and a
// second scan shows the order already collected. axe finds nothing on the
// desk or the card.

func TestBrowserPickupDeskScansAndCollects(t *testing.T) {
	exe := chromiumPath(t)
	s, smtp := mailServer(t)
	ctx := context.Background()
	sh := newShop(t, s, "desk")
	o, err := s.db.PlaceOrder(ctx, sh.ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "ada@example.com", Name: "Ada Lovelace",
		Locale: "en", Answers: map[string]any{"consent": true},
		Lines: []storefront.Line{{ProductID: sh.shirt.ID, VariantID: sh.shirt.Variants[1].ID, Quantity: 1, Answers: map[string]any{"print_name": "ADA"}}}})
	if err != nil {
		t.Fatal(err)
	}
	waitForMail(t, smtp, "ada@example.com", 1) // the confirmation
	member, err := s.platform.staff.CreateStaff(ctx, "desk@example.com", "Dee", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.platform.staff.SetRole(ctx, member.ID, sh.ev.ID, member.ID, staff.RoleFulfilment); err != nil {
		t.Fatal(err)
	}
	link, err := s.platform.staff.LoginLink(ctx, member.ID, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	token := storefront.PickupTokens{Key: s.platform.cfg.SecretKey}.Token(sh.ev.ID, o.Number)
	camera := filepath.Join(t.TempDir(), "qr.y4m")
	if err := os.WriteFile(camera, qrVideo(t, token), 0o600); err != nil {
		t.Fatal(err)
	}

	_, port, err := net.SplitHostPort(strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	origin := "http://" + consoleHost + ":" + port
	allocCtx := browsertest.Start(t, exe, browsertest.Options{Lang: "en-US", AcceptLang: "en-US,en", HostRules: "MAP *.shop.test 127.0.0.1",
		Within: 90 * time.Second, Flags: map[string]any{"use-fake-device-for-media-stream": true, "use-fake-ui-for-media-stream": true,
			"use-file-for-fake-video-capture": camera, "unsafely-treat-insecure-origin-as-secure": origin}})
	b := &browser{t: t, ctx: browsertest.Tab(t, allocCtx), base: origin}
	resize(t, b, [2]int{412, 915}) // a phone held at the desk
	b.at(b.open("/login/link/"+link), "/")
	desk := "/events/desk/desk"

	scan := func() {
		t.Helper()
		b.at(b.open(desk), desk)
		if b.count("#desk-scanner[hidden]") != 0 {
			browsertest.CheckAxe(t, b.ctx, "the desk with its scanner")
		}
		b.click("#desk-scan-start")
		waitPath(t, b, "/events/desk/desk/orders/"+o.Number, 20*time.Second)
		if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS("#desk-who"))); err != nil {
			t.Fatal(err)
		}
		browsertest.CheckAxe(t, b.ctx, "the order's card")
	}

	scan()
	if got := b.text("#desk-who"); got != "Ada Lovelace" {
		t.Fatalf("the scanned card names %q, want Ada Lovelace", got)
	}
	if got := strings.Join(strings.Fields(b.text("#desk-items")), " "); !strings.Contains(got, "T-shirt M") || !strings.Contains(got, "ADA") {
		t.Fatalf("what to hand over: %q, want the T-shirt in M printed ADA", got)
	}
	b.at(b.follow("#desk-collect"), desk)
	if got := b.text("#flash"); got == "" {
		t.Fatal("no word that the order was collected")
	}
	mails := waitForMail(t, smtp, "ada@example.com", 2)
	if !strings.Contains(mails[1].Subject, "collected") || !strings.Contains(mails[1].Subject, o.Number) {
		t.Fatalf("the second email to Ada is %q, want the collected one", mails[1].Subject)
	}

	scan()
	if got := b.text("#desk-problem"); b.count(`#desk-problem[data-problem="collected"]`) != 1 || b.count("#desk-collect") != 0 {
		t.Fatalf("the second scan shows %q, want already collected and no Collected button", got)
	}
	time.Sleep(time.Second) // a second collected email would have gone by now
	if got := messagesTo(t, smtp, "ada@example.com"); len(got) != 2 {
		t.Fatalf("%d emails to Ada, want the confirmation and one collected", len(got))
	}
}

// waitPath waits until b's page is at path, across the navigation a
// scan's form submission makes.
func waitPath(t *testing.T, b *browser, path string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var at, status string
	for time.Now().Before(deadline) {
		if v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("location.pathname")); err == nil {
			at = v
			if at == path {
				return
			}
		}
		if v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("document.getElementById('desk-scan-status')?.textContent ?? ''")); err == nil {
			status = v
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("still at %s after %v, want %s (the scanner says %q)", at, within, path, status)
}

// qrVideo is a Y4M video of one 640×480 frame, 4:2:0, showing the QR code
// of text (qr's encoder, its PNG) black on white in the middle: what
// Chromium's fake camera plays over and over.
func qrVideo(t *testing.T, text string) []byte {
	t.Helper()
	code, err := pickupqr.Encode(text)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := code.PNG(8)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 640, 480
	luma := bytes.Repeat([]byte{235}, w*h) // white
	r := img.Bounds()
	x0, y0 := (w-r.Dx())/2, (h-r.Dy())/2
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			lum := (299*cr + 587*cg + 114*cb) / 1000 >> 8 // 0…255
			luma[(y0+y-r.Min.Y)*w+x0+x-r.Min.X] = byte(16 + lum*219/255)
		}
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "YUV4MPEG2 W%d H%d F30:1 Ip A1:1 C420jpeg\nFRAME\n", w, h)
	out.Write(luma)
	out.Write(bytes.Repeat([]byte{128}, w*h/2)) // U and V, each a quarter: grey
	return out.Bytes()
}
