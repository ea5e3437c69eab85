// Package serving tunes the HTTP server every host shares, where Fiber's
// config cannot: request bodies limited from their headers before a byte
// is read and refused unread (limits.go), connections that linger on close
// so a client still sending reads its answer, and the end of each request
// (Tune: no streamed body to HEAD, the rest of an unread body,
// Connection: close while draining, silence for clients that leave).
package serving

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"marquee/tenant"
)

// Request bodies are limited by what the request's headers declare, before
// a byte of the body is read. fasthttp, left to itself, allocates a buffer
// of the declared Content-Length for every request that merely declares
// one; the server streams bodies instead (StreamRequestBody), and
// bodyLimits.check decides from the headers alone how much a request may
// send.
const (
	// FormBodyLimit is the largest body of any request but a console
	// upload: an order form, a console form, an API call are far smaller.
	FormBodyLimit = 256 << 10
	// UploadBodyLimit is the largest console image upload: a 10 MB image
	// (media.DefaultLimits) and the form around it. It is streamed:
	// multipart files beyond 8 KB go to temporary files as they arrive.
	UploadBodyLimit = 11 << 20
)

// BodyRefusedHeader carries the status of a request whose body the header
// check refused unread, from the check to RefuseUnreadBodies. The check
// removes any such header a client sent.
const BodyRefusedHeader = "X-Marquee-Body-Refused"

// bodyLimits decides how large a request's body may be from its headers.
type bodyLimits struct {
	console string // console.BASE_DOMAIN, whose multipart requests are uploads
}

// check is the server's HeaderReceived hook: it runs after a request's
// headers are read and before its body is. A request it refuses (a body
// larger than allowed, of no declared length, or compressed) is marked
// for RefuseUnreadBodies and made bodiless, so nothing of its body is read
// or buffered.
func (l bodyLimits) check(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	h.Del(BodyRefusedHeader)
	limit := l.limit(h)
	if status := refusal(h, limit); status != 0 {
		h.Set(BodyRefusedHeader, strconv.Itoa(status))
		h.Del(fiber.HeaderExpect) // no "100 Continue": the body is not wanted
		h.SetContentLength(0)
		return fasthttp.RequestConfig{}
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: limit}
}

// limit is the largest body the request may send: UploadBodyLimit for a
// multipart request to the console, FormBodyLimit for anything else. The
// console is recognised by Host or X-Forwarded-Host: the peer that would
// make the latter believable is not known yet, and a body within the
// larger limit is streamed anyway.
func (l bodyLimits) limit(h *fasthttp.RequestHeader) int {
	if len(h.MultipartFormBoundary()) == 0 {
		return FormBodyLimit
	}
	for _, host := range [][]byte{h.Host(), h.Peek(fiber.HeaderXForwardedHost)} {
		first, _, _ := strings.Cut(string(host), ",")
		if name, err := tenant.NormalizeHost(strings.TrimSpace(first)); err == nil && name == l.console {
			return UploadBodyLimit
		}
	}
	return FormBodyLimit
}

// refusal is the status a request's headers earn it before its body is
// read, or 0 when the body may be read.
func refusal(h *fasthttp.RequestHeader, limit int) int {
	switch n := h.ContentLength(); {
	case n == -1: // chunked: no declared length to check
		return fiber.StatusLengthRequired
	case n > limit:
		return fiber.StatusRequestEntityTooLarge
	case n > 0 && compressed(h):
		// Fiber inflates a compressed body whole, unbounded: a small body
		// could become gigabytes. Browsers never compress what they send.
		return fiber.StatusUnsupportedMediaType
	}
	return 0
}

func compressed(h *fasthttp.RequestHeader) bool {
	ce := bytes.TrimSpace(h.Peek(fiber.HeaderContentEncoding))
	return len(ce) > 0 && !bytes.EqualFold(ce, []byte("identity"))
}

// RefuseUnreadBodies answers a request whose body the header check
// refused, with the error its app renders (JSON on the API). Whoever
// answers, finishRequest closes the connection: the body is still on it,
// unread.
func RefuseUnreadBodies(c *fiber.Ctx) error {
	status := c.Request().Header.Peek(BodyRefusedHeader)
	if len(status) == 0 {
		return c.Next()
	}
	switch string(status) {
	case strconv.Itoa(fiber.StatusLengthRequired):
		return fiber.ErrLengthRequired
	case strconv.Itoa(fiber.StatusUnsupportedMediaType):
		return fiber.ErrUnsupportedMediaType
	}
	return fiber.ErrRequestEntityTooLarge
}

// finishBody reads what a handler left unread of a streamed body, so the
// next request on a kept-alive connection starts where it should. More
// than FormBodyLimit left over, or a body refused unread, closes the
// connection instead.
func finishBody(ctx *fasthttp.RequestCtx) {
	if len(ctx.Request.Header.Peek(BodyRefusedHeader)) > 0 {
		ctx.Response.SetConnectionClose()
		lingerOnClose(ctx.Conn())
		return
	}
	if !ctx.Request.IsBodyStream() || ctx.Response.ConnectionClose() {
		return
	}
	if _, err := io.CopyN(io.Discard, ctx.RequestBodyStream(), FormBodyLimit+1); err != io.EOF {
		ctx.Response.SetConnectionClose()
		lingerOnClose(ctx.Conn())
	}
}

// A connection closed while its client is still sending would be reset,
// and the client would see the reset instead of the answer (a 413 page).
// The server's connections linger instead when asked to: on Close they
// send their end of stream and read and drop what still arrives for up to
// lingerTimeout, as net/http does.
//
// The time bounds the cost; the byte bound is generous on purpose: a
// client whose body is cut off before it has sent it all may report the
// failed write instead of the answer it was already sent, depending on
// which its transport notices first (a busy machine made Go's do so).
const (
	lingerTimeout = time.Second
	lingerBytes   = 64 << 20
)

// LingeringListener hands out connections that can linger on Close. On
// plain connections deadlines are applied lazily, to within Slack of what
// the server asks (deadlines.go; 0 is DeadlineSlack).
type LingeringListener struct {
	net.Listener
	Slack time.Duration
}

// Accept wraps the next connection so that it can linger.
func (l LingeringListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*tls.Conn); ok {
		// Kept a *tls.Conn underneath so fasthttp still sees TLS.
		return &lingeringTLSConn{Conn: tc}, nil
	}
	slack := l.Slack
	if slack <= 0 {
		slack = DeadlineSlack
	}
	return &lingeringConn{Conn: c, slack: slack}, nil
}

// lingerer is a connection that can be told to linger on Close.
type lingerer interface{ lingerOnClose() }

// lingerOnClose makes c linger when it is closed, if it can.
func lingerOnClose(c net.Conn) {
	if l, ok := c.(lingerer); ok {
		l.lingerOnClose()
	}
}

type lingeringConn struct {
	net.Conn
	linger      atomic.Bool
	read, write lazyDeadline // deadlines.go
	slack       time.Duration
}

func (c *lingeringConn) lingerOnClose() { c.linger.Store(true) }

func (c *lingeringConn) Close() error {
	if c.linger.Load() {
		discardBriefly(c.Conn)
	}
	return c.Conn.Close()
}

type lingeringTLSConn struct {
	*tls.Conn
	linger atomic.Bool
}

func (c *lingeringTLSConn) lingerOnClose() { c.linger.Store(true) }

func (c *lingeringTLSConn) Close() error {
	if c.linger.Load() {
		discardBriefly(c.Conn)
	}
	return c.Conn.Close()
}

// discardBriefly ends c's sending side and drops what the client still
// sends, for up to lingerTimeout.
func discardBriefly(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_ = c.SetReadDeadline(time.Now().Add(lingerTimeout))
	_, _ = io.CopyN(io.Discard, c, lingerBytes)
}
