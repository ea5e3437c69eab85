package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// Encoded is a response body kept beside its gzip and brotli encodings,
// each compressed once, never per request: when it is made (Encode: the
// embedded CSS) or the first time a client asks for it (Lazy: pages
// cached with their event, which then keep only the encodings their
// visitors take; a browser takes brotli, so a page seldom keeps gzip). An
// encoding that would not be smaller is left out.
type Encoded struct {
	Plain        []byte
	gzip, brotli encoding
}

// encoding is one compressed form of an Encoded, made once.
type encoding struct {
	once sync.Once
	b    []byte // nil when the encoding is not smaller than Plain
}

// Lazy keeps plain and compresses it when a client first asks for an
// encoding.
func Lazy(plain []byte) *Encoded { return &Encoded{Plain: plain} }

// Encode compresses plain both ways now, with writers kept in pools: a
// page is a few KB, so a 64 KB brotli window and gzip's default level lose
// almost nothing to the best settings, which allocated some 34 MB and took
// about 4 ms per page.
func Encode(plain []byte) *Encoded {
	e := Lazy(plain)
	e.Gzip()
	e.Brotli()
	return e
}

// Gzip is the gzip encoding, compressed on the first call; nil when it
// would not be smaller.
func (e *Encoded) Gzip() []byte {
	e.gzip.once.Do(func() {
		var buf bytes.Buffer
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&buf)
		_, _ = zw.Write(e.Plain) // a bytes.Buffer does not fail
		_ = zw.Close()
		gzipWriters.Put(zw)
		if buf.Len() < len(e.Plain) {
			e.gzip.b = bytes.Clone(buf.Bytes())
		}
	})
	return e.gzip.b
}

// Brotli is the brotli encoding, compressed on the first call; nil when
// it would not be smaller.
func (e *Encoded) Brotli() []byte {
	e.brotli.once.Do(func() {
		var buf bytes.Buffer
		bw := brotliWriters.Get().(*brotli.Writer)
		bw.Reset(&buf)
		_, _ = bw.Write(e.Plain)
		_ = bw.Close()
		brotliWriters.Put(bw)
		if buf.Len() < len(e.Plain) {
			e.brotli.b = bytes.Clone(buf.Bytes())
		}
	})
	return e.brotli.b
}

var (
	gzipWriters = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression) // the level is valid
		return zw
	}}
	brotliWriters = sync.Pool{New: func() any {
		return brotli.NewWriterOptions(io.Discard, brotli.WriterOptions{Quality: 6, LGWin: 16})
	}}
)

// Send answers with the encoding of e the client accepts best (brotli,
// then gzip, else plain), saying so in Content-Encoding, and Vary:
// Accept-Encoding in every case so caches keep them apart.
func (e *Encoded) Send(c *fiber.Ctx) error {
	body, coding := e.choose(c.Request().Header.Peek(fiber.HeaderAcceptEncoding))
	return sendBody(c, body, coding)
}

// choose is the body Send sends for an Accept-Encoding header, and its
// Content-Encoding (nil: plain).
func (e *Encoded) choose(accept []byte) (body, coding []byte) {
	if len(accept) > 0 {
		if acceptsBytes(accept, "br") {
			if b := e.Brotli(); b != nil {
				return b, codingBr
			}
		}
		if acceptsBytes(accept, "gzip") {
			if b := e.Gzip(); b != nil {
				return b, codingGzip
			}
		}
	}
	return e.Plain, nil
}

func sendBody(c *fiber.Ctx, body, coding []byte) error {
	varyAcceptEncoding(c)
	if coding != nil {
		c.Response().Header.SetCanonical(contentEncoding, coding)
	}
	return c.Send(body)
}

// Choice is what Send sends for one Accept-Encoding header (Choose),
// for a caller that keeps it beside what else it checks: the next request
// with the same header is answered without reading the Encoded, which
// with thousands of pages kept is memory no other request brought near
// the processor.
type Choice struct {
	accept string // the Accept-Encoding header
	body   []byte
	coding []byte // the Content-Encoding; nil: plain
}

// Choose is the Choice of Send for the Accept-Encoding header of c,
// compressing e when that encoding was not made yet.
func (e *Encoded) Choose(c *fiber.Ctx) Choice {
	accept := c.Request().Header.Peek(fiber.HeaderAcceptEncoding)
	body, coding := e.choose(accept)
	return Choice{accept: string(accept), body: body, coding: coding}
}

// Fits reports whether c's Accept-Encoding header is the one ch was
// chosen for.
func (ch *Choice) Fits(c *fiber.Ctx) bool {
	return string(c.Request().Header.Peek(fiber.HeaderAcceptEncoding)) == ch.accept
}

// SendChoiceHTML is SendEncodedHTML for a page's Choice that Fits c.
func SendChoiceHTML(c *fiber.Ctx, status int, lang string, ch *Choice, cacheControl string) error {
	htmlHeaders(c, status, lang, cacheControl)
	return sendBody(c, ch.body, ch.coding)
}

var (
	contentEncoding = []byte(fiber.HeaderContentEncoding)
	codingBr        = []byte("br")
	codingGzip      = []byte("gzip")
	varyName        = []byte(fiber.HeaderVary)
	varyEncoding    = []byte(fiber.HeaderAcceptEncoding)
	varyBoth        = []byte(fiber.HeaderAcceptLanguage + ", " + fiber.HeaderAcceptEncoding)
)

// varyAcceptEncoding adds Accept-Encoding to the response's Vary as
// c.Append does, without building the value in the two cases of every
// page and static file (no Vary yet, or Accept-Language).
func varyAcceptEncoding(c *fiber.Ctx) {
	h := &c.Response().Header
	switch v := h.Peek(fiber.HeaderVary); {
	case len(v) == 0:
		h.SetCanonical(varyName, varyEncoding)
	case string(v) == fiber.HeaderAcceptLanguage:
		h.SetCanonical(varyName, varyBoth)
	default:
		c.Append(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	}
}

// acceptsBytes is Accepts for the header's bytes as the request holds
// them: they are not kept past the call.
func acceptsBytes(header []byte, coding string) bool {
	return Accepts(utils.UnsafeString(header), coding)
}

// Accepts reports whether an Accept-Encoding header value accepts coding
// (by name or "*") with a weight above zero.
func Accepts(header, coding string) bool {
	star := false
	for rest, more := header, true; more; {
		var part string
		part, rest, more = strings.Cut(rest, ",") // no slice per request, as strings.Split would make
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, coding) && name != "*" {
			continue
		}
		ok := weight(params) > 0
		if name != "*" {
			return ok // the coding named outright wins over "*"
		}
		star = ok
	}
	return star
}

// weight is the q= of an Accept-Encoding entry's parameters (1 without).
func weight(params string) float64 {
	for rest, more := params, true; more; {
		var p string
		p, rest, more = strings.Cut(rest, ";")
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0
			}
			return q
		}
	}
	return 1
}

// SendEncodedHTML is SendHTML for a page kept with its encodings.
// The names and the type are stored once as bytes in canonical form, and
// the language and cache control (the handler's own constants, no client's
// text) are set as they are, skipping c.Set's checks.
func SendEncodedHTML(c *fiber.Ctx, status int, lang string, page *Encoded, cacheControl string) error {
	htmlHeaders(c, status, lang, cacheControl)
	return page.Send(c)
}

func htmlHeaders(c *fiber.Ctx, status int, lang, cacheControl string) {
	h := &c.Response().Header
	h.SetCanonical(contentType, htmlUTF8)
	h.SetCanonical(contentLanguage, utils.UnsafeBytes(lang))
	h.SetCanonical(cacheControlName, utils.UnsafeBytes(cacheControl))
	c.Status(status)
}

var (
	contentType      = []byte(fiber.HeaderContentType)
	htmlUTF8         = []byte(fiber.MIMETextHTMLCharsetUTF8)
	contentLanguage  = []byte(fiber.HeaderContentLanguage)
	cacheControlName = []byte(fiber.HeaderCacheControl)
)

// StaticEncoded serves the text files of fsys (CSS, JavaScript, SVG)
// compressed, each compressed once when the handler is made, to clients
// that accept it; anything else (plain answers, fonts, other methods) goes
// on to the next handler, which serves fsys as it is. Mount it where that
// handler is mounted: c.Path() minus prefix names the file.
func StaticEncoded(fsys fs.FS, prefix string, maxAge int) (fiber.Handler, error) {
	files := map[string]*Encoded{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !compressible(name) {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err == nil {
			files["/"+name] = Encode(b)
		}
		return err
	})
	cacheControl := "public, max-age=" + strconv.Itoa(maxAge)
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			return c.Next()
		}
		name := strings.TrimPrefix(c.Path(), prefix)
		e, ok := files[name]
		if !ok {
			return c.Next()
		}
		accept := c.Get(fiber.HeaderAcceptEncoding)
		if !(e.Brotli() != nil && Accepts(accept, "br")) && !(e.Gzip() != nil && Accepts(accept, "gzip")) {
			c.Append(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
			return c.Next()
		}
		c.Type(path.Ext(name))
		c.Set(fiber.HeaderCacheControl, cacheControl)
		return e.Send(c)
	}, err
}

// compressible reports whether a static file is text worth compressing.
func compressible(name string) bool {
	switch path.Ext(name) {
	case ".css", ".js", ".svg", ".html", ".txt", ".json":
		return true
	}
	return false
}
