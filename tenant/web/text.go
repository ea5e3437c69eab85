package web

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"marquee"
)

// CheckText is the middleware that refuses text no handler should see: a
// path, query value, form value (not a file's contents), JSON string or
// header that is not valid UTF-8 or holds a NUL byte. Postgres refuses
// both (SQLSTATE 22021), so each would otherwise be a 500 wherever it
// reached a query; checked once here, no handler has to remember. The
// refusal is a marquee EINVALID error (400) naming the field: the query,
// form or JSON key, "path", or the header's name.
func CheckText(c *fiber.Ctx) error {
	if field, ok := badText(c); ok {
		return marquee.Invalid(field, "error.text_invalid")
	}
	return c.Next()
}

// badText returns the first field of the request whose text is refused.
func badText(c *fiber.Ctx) (field string, found bool) {
	req := c.Request()
	if !validText(req.URI().Path()) || !validText(req.URI().PathOriginal()) {
		return "path", true
	}
	if field, found = badArg(req.URI().QueryArgs()); found {
		return field, true
	}
	if field, found = badHeader(&req.Header); found {
		return field, true
	}
	return badBody(c)
}

// validText reports whether b is UTF-8 without NUL bytes.
func validText(b []byte) bool {
	return utf8.Valid(b) && bytes.IndexByte(b, 0) < 0
}

// fieldName is a name of a refused field fit to be shown: a key that is
// itself bad text is shown with its bad bytes replaced, at most 100 bytes.
func fieldName(key []byte) string {
	s := strings.ToValidUTF8(strings.ReplaceAll(string(key), "\x00", "\uFFFD"), "\uFFFD")
	if len(s) > 100 {
		s = strings.ToValidUTF8(s[:100], "")
	}
	return s
}

// argSource is what badArg reads: fasthttp's query and urlencoded body.
type argSource interface {
	VisitAll(func(key, value []byte))
}

func badArg(args argSource) (field string, found bool) {
	args.VisitAll(func(k, v []byte) {
		if !found && (!validText(k) || !validText(v)) {
			field, found = fieldName(k), true
		}
	})
	return field, found
}

// badHeader checks every header but Cookie: cookies of other sites on a
// parent domain may hold anything, and the platform's own are compared or
// hashed, never stored as text.
func badHeader(h interface {
	VisitAll(func(key, value []byte))
}) (field string, found bool) {
	h.VisitAll(func(k, v []byte) {
		if !found && !strings.EqualFold(string(k), fiber.HeaderCookie) && (!validText(k) || !validText(v)) {
			field, found = fieldName(k), true
		}
	})
	return field, found
}

// badBody checks urlencoded and multipart form values and JSON strings;
// a body that does not parse is left for its handler to refuse.
func badBody(c *fiber.Ctx) (field string, found bool) {
	ct, _, _ := strings.Cut(c.Get(fiber.HeaderContentType), ";") // no slice per request, as strings.Split would make
	ct = strings.ToLower(strings.TrimSpace(ct))
	switch {
	case ct == fiber.MIMEApplicationForm:
		return badArg(c.Request().PostArgs())
	case ct == fiber.MIMEMultipartForm:
		form, err := c.MultipartForm()
		if err != nil {
			return "", false
		}
		for k, values := range form.Value {
			for _, v := range values {
				if !validText([]byte(k)) || !validText([]byte(v)) {
					return fieldName([]byte(k)), true
				}
			}
		}
	case strings.HasSuffix(ct, "json"):
		return badJSON(c.Body())
	}
	return "", false
}

// jsonLevel is an object or array being read, and where in it.
type jsonLevel struct {
	object  bool
	wantKey bool   // objects: the next string is a key
	key     string // objects: the key of the value being read
	index   int    // arrays: the index of the value being read
}

// badJSON finds the first key or string value of a JSON document that is
// not valid UTF-8 (checked in the raw bytes: decoding would replace bad
// bytes silently) or holds a NUL (checked decoded: "\u0000"). The field is
// the dotted path of keys and indexes: "name", "locales.1".
func badJSON(body []byte) (field string, found bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []jsonLevel
	prev := dec.InputOffset()
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // the end, or not JSON: the handler says so
		}
		raw := body[prev:dec.InputOffset()]
		prev = dec.InputOffset()
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				stack = append(stack, jsonLevel{object: t == '{', wantKey: t == '{'})
				continue
			}
			stack = stack[:len(stack)-1]
		case string:
			isKey := len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].wantKey
			if isKey {
				stack[len(stack)-1].key, stack[len(stack)-1].wantKey = t, false
			}
			if !utf8.Valid(raw) || strings.IndexByte(t, 0) >= 0 {
				return jsonPath(stack), true
			}
			if isKey {
				continue
			}
		}
		valueRead(stack)
	}
}

// valueRead moves the innermost level past the value just read.
func valueRead(stack []jsonLevel) {
	if len(stack) == 0 {
		return
	}
	top := &stack[len(stack)-1]
	if top.object {
		top.wantKey = true
	} else {
		top.index++
	}
}

func jsonPath(stack []jsonLevel) string {
	if len(stack) == 0 {
		return "body"
	}
	parts := make([]string, 0, len(stack))
	for _, l := range stack {
		if l.object {
			parts = append(parts, fieldName([]byte(l.key)))
		} else {
			parts = append(parts, strconv.Itoa(l.index))
		}
	}
	return strings.Join(parts, ".")
}
