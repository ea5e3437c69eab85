package serving

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// header parses a request's header block as the server reads it.
func header(t *testing.T, head string) *fasthttp.RequestHeader {
	t.Helper()
	var h fasthttp.RequestHeader
	if err := h.Read(bufio.NewReader(strings.NewReader(head + "\r\n"))); err != nil {
		t.Fatal(err)
	}
	return &h
}

// The end-to-end tests of these rules, over a socket, are cmd/marquee's
// TestRequestBodiesAreLimitedBeforeTheyAreRead; these check the decision
// the headers alone lead to.
func TestTheHeadersAloneDecideHowLargeABodyMayBe(t *testing.T) {
	limits := bodyLimits{console: "console.shop.test"}
	cases := []struct {
		rule, head string
		refused    string // the status marked for RefuseUnreadBodies, "" when the body may be read
		limit      int
	}{
		{"an order form may send up to the form limit",
			"POST /order HTTP/1.1\r\nHost: devcon.shop.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n", "", FormBodyLimit},
		{"a body declared over the form limit is refused before it is read",
			"POST /order HTTP/1.1\r\nHost: devcon.shop.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 262145\r\n", "413", 0},
		{"a multipart body to an event host is held to the form limit",
			"POST /order HTTP/1.1\r\nHost: devcon.shop.test\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000\r\n", "", FormBodyLimit},
		{"a multipart body to the console may be an upload",
			"POST /x HTTP/1.1\r\nHost: console.shop.test\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000\r\n", "", UploadBodyLimit},
		{"the console behind a proxy is known by X-Forwarded-Host",
			"POST /x HTTP/1.1\r\nHost: 10.0.0.5\r\nX-Forwarded-Host: Console.Shop.Test, evil.test\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000\r\n", "", UploadBodyLimit},
		{"a body of no declared length is refused with 411",
			"POST /order HTTP/1.1\r\nHost: devcon.shop.test\r\nTransfer-Encoding: chunked\r\n", "411", 0},
		{"a compressed body is refused with 415",
			"POST /order HTTP/1.1\r\nHost: devcon.shop.test\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n", "415", 0},
		{"a client's own refusal marker is dropped",
			"POST /order HTTP/1.1\r\nHost: devcon.shop.test\r\n" + BodyRefusedHeader + ": 0\r\nContent-Length: 10\r\n", "", FormBodyLimit},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			h := header(t, c.head)
			cfg := limits.check(h)
			if got := string(h.Peek(BodyRefusedHeader)); got != c.refused || cfg.MaxRequestBodySize != c.limit {
				t.Fatalf("refused %q, limit %d; want %q, %d", got, cfg.MaxRequestBodySize, c.refused, c.limit)
			}
			if c.refused != "" && h.ContentLength() != 0 {
				t.Fatalf("a refused request keeps Content-Length %d: its body would be read", h.ContentLength())
			}
		})
	}
}

func TestOnlyAClientLeavingIsSilenced(t *testing.T) {
	for _, c := range []struct {
		rule string
		err  error
		left bool
	}{
		{"an end of stream is a client that left", io.EOF, true},
		{"a reset connection is a client that left", &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}, true},
		{"a read timeout is answered (408), not silenced", os.ErrDeadlineExceeded, false},
		{"a malformed request is answered", errors.New("cannot parse request line"), false},
	} {
		if got := clientLeft(c.err); got != c.left {
			t.Errorf("%s: clientLeft(%v) = %v", c.rule, c.err, got)
		}
	}
}
