package web_test

import (
	"io"
	"net"
	"net/http"
	"net/netip"
	"testing"

	"github.com/gofiber/fiber/v2"

	tenantweb "marquee/tenant/web"
	"marquee/tenant/web/webtest"
)

// echoClient serves, on 127.0.0.1, the client address each request is
// taken for, trusting proxies.
func echoClient(t *testing.T, proxies tenantweb.Proxies) string {
	t.Helper()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString(tenantweb.ClientAddr(c, proxies).String()) })
	return webtest.Serve(t, app, false) + "/"
}

// from returns a client whose connections come from the loopback address
// source (all of 127.0.0.0/8 is this machine).
func from(source string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(source)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

func TestClientAddr(t *testing.T) {
	url := echoClient(t, tenantweb.Proxies{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")})
	tests := []struct {
		rule   string
		source string   // the TCP peer
		xff    []string // X-Forwarded-For header lines, in order
		want   string
	}{
		{"without a proxy the client is the peer", "127.0.0.9", nil, "127.0.0.9"},
		{"an untrusted peer's X-Forwarded-For is ignored", "127.0.0.9", []string{"203.0.113.5"}, "127.0.0.9"},
		{"a trusted proxy names its client", "127.0.0.1", []string{"203.0.113.5"}, "203.0.113.5"},
		{"what the client wrote left of its own address is ignored", "127.0.0.1", []string{"198.51.100.1, 203.0.113.5"}, "203.0.113.5"},
		{"a proxy's own header line counts after the client's", "127.0.0.1", []string{"198.51.100.1", "203.0.113.5"}, "203.0.113.5"},
		{"a chain of trusted proxies is walked to the rightmost untrusted hop", "127.0.0.1", []string{"198.51.100.1, 203.0.113.5, 10.1.2.3"}, "203.0.113.5"},
		{"a trusted proxy without the header is the client", "127.0.0.1", nil, "127.0.0.1"},
		{"a malformed hop stops at the last trusted one", "127.0.0.1", []string{"203.0.113.5, 10.1.2.3, not-an-address"}, "127.0.0.1"},
		{"a malformed hop left of the client is never reached", "127.0.0.1", []string{"not-an-address, 203.0.113.5"}, "203.0.113.5"},
		{"a hop with a port is its address", "127.0.0.1", []string{"203.0.113.5:4711"}, "203.0.113.5"},
		{"an IPv6 hop with a port is its address", "127.0.0.1", []string{"[2001:db8::1]:443"}, "2001:db8::1"},
		{"only trusted hops: the leftmost", "127.0.0.1", []string{"10.0.0.7, 10.0.0.8"}, "10.0.0.7"},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, url, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header["X-Forwarded-For"] = tc.xff
			res, err := from(tc.source).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if string(b) != tc.want {
				t.Fatalf("client taken for %q, want %s", b, tc.want)
			}
		})
	}
}
