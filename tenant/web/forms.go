package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee"
)

// The shell every app's forms share: reading a posted form, and the
// tokens that tie a form to its page against cross-site requests.

// FormValues reads an urlencoded form body of at most limit bytes (0:
// whatever the server let through). Anything else is refused before it is
// parsed: another content type with 415, a larger body with 413, a
// malformed one as invalid.
func FormValues(c *fiber.Ctx, limit int) (url.Values, error) {
	ct := strings.ToLower(strings.TrimSpace(strings.Split(c.Get(fiber.HeaderContentType), ";")[0]))
	if ct != fiber.MIMEApplicationForm {
		return nil, fiber.ErrUnsupportedMediaType
	}
	if limit > 0 && len(c.Body()) > limit {
		return nil, fiber.ErrRequestEntityTooLarge
	}
	values, err := url.ParseQuery(string(c.Body()))
	if err != nil {
		return nil, marquee.Wrap(marquee.EINVALID, "error.bad_request", err)
	}
	return values, nil
}

// FormCookie is the random value, kept in the cookie name, that a form
// token binds when there is no session (double submit): the browser's
// own, or a new one of 32 random bytes, set HttpOnly and SameSite=Lax for
// the whole site, until expires (zero: for the browser's session).
func FormCookie(c *fiber.Ctx, name string, expires time.Time) string {
	value := c.Cookies(name)
	if len(value) < 32 {
		var b [32]byte
		_, _ = rand.Read(b[:])
		value = base64.RawURLEncoding.EncodeToString(b[:])
		c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, SameSite: "Lax",
			Secure: c.Protocol() == "https", Expires: expires})
	}
	return value
}

// FormTokens makes the tokens forms carry against cross-site requests: an
// HMAC, under the server's key, of what the token is bound to (a purpose
// and a session, or a cookie's value and the host). Every replica with
// the same key checks them without shared state.
type FormTokens struct{ Key []byte }

// Token is the token bound to parts.
func (f FormTokens) Token(parts ...string) string {
	m := hmac.New(sha256.New, f.Key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Valid reports whether token is the token bound to parts, in constant
// time; an empty token never is.
func (f FormTokens) Valid(token string, parts ...string) bool {
	return token != "" && hmac.Equal([]byte(token), []byte(f.Token(parts...)))
}
