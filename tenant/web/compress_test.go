package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	tenantweb "marquee/tenant/web"
	"marquee/tenant/web/webtest"
)

// decode undoes a Content-Encoding.
func decode(t *testing.T, encoding string, body []byte) []byte {
	t.Helper()
	return webtest.Decode(t, encoding, body)
}

func TestAcceptsEncoding(t *testing.T) {
	tests := []struct {
		header, coding string
		want           bool
	}{
		{"gzip, deflate, br", "br", true},
		{"gzip, deflate, br", "gzip", true},
		{"GZIP", "gzip", true},
		{"gzip;q=0.5", "gzip", true},
		{"gzip;q=0", "gzip", false},
		{"br;q=0, *", "br", false},
		{"*", "br", true},
		{"*;q=0", "gzip", false},
		{"identity", "gzip", false},
		{"", "gzip", false},
		{"gzipx", "gzip", false},
		{"gzip;q=nonsense", "gzip", false},
		{"deflate;q=1, gzip;level=9;q=0", "gzip", false},
		{"deflate, gzip ; level=9 ; q=0.1 ,br", "gzip", true},
		{" br ;q=0 , * ;q=0.5", "gzip", true},
	}
	for _, tc := range tests {
		if got := tenantweb.Accepts(tc.header, tc.coding); got != tc.want {
			t.Errorf("Accepts(%q, %q) = %v, want %v", tc.header, tc.coding, got, tc.want)
		}
	}
}

func TestEncodedDecompressesToTheSameBytes(t *testing.T) {
	plain := []byte(strings.Repeat("<p>Welcome to devcon, grab a hoodie.</p>\n", 40))
	for name, e := range map[string]*tenantweb.Encoded{"made at once": tenantweb.Encode(plain), "made when asked": tenantweb.Lazy(plain)} {
		gz, br := e.Gzip(), e.Brotli()
		if gz == nil || br == nil || len(gz) >= len(plain) || len(br) >= len(plain) {
			t.Fatalf("%s: sizes plain %d, gzip %d, brotli %d: want both encodings smaller", name, len(plain), len(gz), len(br))
		}
		if !bytes.Equal(decode(t, "gzip", gz), plain) || !bytes.Equal(decode(t, "br", br), plain) {
			t.Fatalf("%s: an encoding does not decompress to the plain bytes", name)
		}
		if &e.Gzip()[0] != &gz[0] || &e.Brotli()[0] != &br[0] {
			t.Errorf("%s: an encoding was compressed again on the second call", name)
		}
	}
	if tiny := tenantweb.Encode([]byte("ok")); tiny.Gzip() != nil || tiny.Brotli() != nil {
		t.Error("a body compression does not shrink was kept compressed")
	}
}

func TestStaticEncoded(t *testing.T) {
	css := []byte(strings.Repeat(".product { color: var(--primary); margin: 0 auto; }\n", 50))
	files := fstest.MapFS{"marquee.css": {Data: css}, "font.woff2": {Data: []byte("binary")}}
	compressed, err := tenantweb.StaticEncoded(files, "/static", 3600)
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	app.Use("/static", compressed, filesystem.New(filesystem.Config{Root: http.FS(files), MaxAge: 3600}))
	get := func(method, path, accept string) (*http.Response, []byte) {
		t.Helper()
		req := httptest.NewRequest(method, path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		return res, body
	}
	for _, tc := range []struct{ accept, encoding string }{{"gzip, br", "br"}, {"gzip", "gzip"}, {"br;q=0, gzip", "gzip"}, {"", ""}, {"identity", ""}} {
		res, body := get(http.MethodGet, "/static/marquee.css", tc.accept)
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != tc.encoding {
			t.Errorf("Accept-Encoding %q: status %d, Content-Encoding %q, want 200 and %q", tc.accept, res.StatusCode, res.Header.Get("Content-Encoding"), tc.encoding)
			continue
		}
		if !bytes.Equal(decode(t, tc.encoding, body), css) {
			t.Errorf("Accept-Encoding %q: the body is not the CSS", tc.accept)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") ||
			res.Header.Get("Cache-Control") != "public, max-age=3600" {
			t.Errorf("Accept-Encoding %q: Vary %q, Content-Type %q, Cache-Control %q", tc.accept, res.Header.Get("Vary"), res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
		}
	}
	t.Run("HEAD says what GET sends, without the body", func(t *testing.T) {
		get1, body := get(http.MethodGet, "/static/marquee.css", "gzip")
		head, none := get(http.MethodHead, "/static/marquee.css", "gzip")
		if head.StatusCode != 200 || len(none) != 0 || head.Header.Get("Content-Encoding") != "gzip" ||
			head.Header.Get("Content-Length") != get1.Header.Get("Content-Length") || get1.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Errorf("HEAD: status %d, %d body bytes, Content-Encoding %q, Content-Length %q (GET: %q for %d bytes)",
				head.StatusCode, len(none), head.Header.Get("Content-Encoding"), head.Header.Get("Content-Length"), get1.Header.Get("Content-Length"), len(body))
		}
	})
	t.Run("fonts and unknown files go on as they are", func(t *testing.T) {
		if res, body := get(http.MethodGet, "/static/font.woff2", "gzip, br"); res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "" || string(body) != "binary" {
			t.Errorf("font: status %d, Content-Encoding %q, body %q", res.StatusCode, res.Header.Get("Content-Encoding"), body)
		}
		if res, _ := get(http.MethodGet, "/static/nope.css", "gzip"); res.StatusCode != 404 {
			t.Errorf("a missing file: status %d, want 404", res.StatusCode)
		}
	})
}

// BenchmarkAccepts is the Accept-Encoding check of every cached page view:
// no header (wrk) and a browser's.
func BenchmarkAccepts(b *testing.B) {
	for _, header := range []string{"", "gzip, deflate, br, zstd"} {
		b.Run(fmt.Sprintf("%q", header), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tenantweb.Accepts(header, "br")
				tenantweb.Accepts(header, "gzip")
			}
		})
	}
}

// BenchmarkEncode is the cost of compressing one landing page of a few KB
// both ways, which every event pays on its first view after a change.
func BenchmarkEncode(b *testing.B) {
	page := bytes.Repeat([]byte(`<li class="product"><a href="/products/0b6c"><img src="/media/x.webp" alt=""><span class="name">T-shirt</span></a><span class="price">€20.00</span></li>`), 40)
	b.ReportAllocs()
	for b.Loop() {
		tenantweb.Encode(page)
	}
}
