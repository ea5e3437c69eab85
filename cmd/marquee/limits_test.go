package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"marquee/tenant/web/serving"
)

// sendHead sends a request's header block, and nothing of its body, on a
// new connection and returns the answer that arrives within 3 seconds.
func sendHead(t *testing.T, s *testServer, head string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer while the body is still to come: %v", err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func TestRequestBodiesAreLimitedBeforeTheyAreRead(t *testing.T) {
	s, _, _ := consoleServer(t)
	console := "console." + testBase
	refusals := []struct {
		rule, host, path, headers string
		want                      int
	}{
		{"an event host refuses an order declaring 11 MB before any of it arrives",
			"devcon.shop.test", "/order", "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 11000000\r\n", 413},
		{"an event host refuses a body declaring just over 256 KB",
			"devcon.shop.test", "/order", "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 262145\r\n", 413},
		{"an event host refuses a multipart body declaring 11 MB: uploads are the console's",
			"devcon.shop.test", "/order", "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 11000000\r\n", 413},
		{"the console refuses a form that is no upload declaring over 256 KB",
			console, "/login", "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n", 413},
		{"the console refuses an upload declaring over 11 MB",
			console, "/events/devcon/branding/image", "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 12000000\r\n", 413},
		{"a body of no declared length is refused with 411",
			"devcon.shop.test", "/order", "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n", 411},
		{"a compressed body is refused with 415: it could inflate without limit",
			"devcon.shop.test", "/order", "Content-Type: application/x-www-form-urlencoded\r\nContent-Encoding: gzip\r\nContent-Length: 1000\r\n", 415},
	}
	for _, r := range refusals {
		t.Run(r.rule, func(t *testing.T) {
			res := sendHead(t, s, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", r.path, r.host, r.headers))
			if res.StatusCode != r.want || !res.Close {
				t.Fatalf("status %d (want %d), connection closed: %v (want true: the unread body is still on it)", res.StatusCode, r.want, res.Close)
			}
		})
	}

	t.Run("an API client refused for size reads why in JSON", func(t *testing.T) {
		res := sendHead(t, s, "POST /api/v1/events HTTP/1.1\r\nHost: "+console+"\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
		if res.StatusCode != 413 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || !res.Close {
			t.Fatalf("status %d, Content-Type %q, closed %v", res.StatusCode, res.Header.Get("Content-Type"), res.Close)
		}
	})

	t.Run("a client cannot lift the limit by sending the refusal marker itself", func(t *testing.T) {
		res := sendHead(t, s, "POST /order HTTP/1.1\r\nHost: devcon.shop.test\r\nContent-Type: application/x-www-form-urlencoded\r\n"+serving.BodyRefusedHeader+": 0\r\nContent-Length: 11000000\r\n\r\n")
		if res.StatusCode != 413 {
			t.Fatalf("status %d, want 413", res.StatusCode)
		}
	})

	t.Run("a client that sends a body too large anyway reads the 413, not a reset connection", func(t *testing.T) {
		for range 5 {
			body := "x=" + strings.Repeat("a", 16<<20) // more than loopback socket buffers hold
			req, _ := http.NewRequest(http.MethodPost, s.url+"/order", strings.NewReader(body))
			req.Host = "devcon.shop.test"
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 413 {
				t.Fatalf("status %d, want 413", res.StatusCode)
			}
		}
	})

	t.Run("the console takes a large upload, streamed", func(t *testing.T) {
		b := signedInMember(t, s)
		_, page := editorForm(t, b, "devcon")
		photo := noisePNG(t, 1200, 900)
		if len(photo) < 3<<20 {
			t.Fatalf("the test image is only %d bytes", len(photo))
		}
		ct, body := multipartUpload(t, csrfOf(page), "hero", "hero.png", photo)
		if r := b.do(http.MethodPost, "/events/devcon/branding/image", ct, body); r.status != http.StatusSeeOther {
			t.Fatalf("upload of %d bytes: %d %s", len(body), r.status, r.text(".problems"))
		}
	})

	t.Run("a kept-alive connection serves its next request after a body no handler read", func(t *testing.T) {
		conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		body := "x=" + strings.Repeat("a", 200<<10)
		fmt.Fprintf(conn, "POST /no-such-page HTTP/1.1\r\nHost: devcon.shop.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: devcon.shop.test\r\n\r\n")
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(conn)
		for i, want := range []int{404, 200} {
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("response %d: %v", i+1, err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			if res.StatusCode != want {
				t.Fatalf("response %d: status %d, want %d", i+1, res.StatusCode, want)
			}
		}
	})
}

// noisePNG is a PNG of random pixels: it does not compress, so its size
// is about 4 bytes a pixel.
func noisePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{R: uint8(rng.Uint32()), G: uint8(rng.Uint32()), B: uint8(rng.Uint32()), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestOrderFormRefusesAnOversizedBody is the order form's refusal of a body
// over the limit serve sets (serving.FormBodyLimit); the order form's other
// refusals are storefront/web's TestOrderFormRefusesBadInput.
func TestOrderFormRefusesAnOversizedBody(t *testing.T) {
	s := startServer(t, defaultConfig())
	sh := newShop(t, s, "refusals")
	before := sh.orders()
	r := sh.do(http.MethodPost, "/order", "application/x-www-form-urlencoded", "name="+strings.Repeat("x", 300<<10))
	if r.status != 413 {
		t.Errorf("%s: status %d, want %d", "an oversized body", r.status, 413)
	}
	if sh.orders() != before {
		t.Fatal("a refused request wrote an order")
	}
}
