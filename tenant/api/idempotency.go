package api

import (
	"bytes"
	"context"
	"crypto/sha256"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/tenant"
	tenantweb "marquee/tenant/web"
)

// IdempotencyKeys keeps the responses of POST requests sent with an
// Idempotency-Key header; db.DB implements it.
type IdempotencyKeys interface {
	ClaimIdempotencyKey(ctx context.Context, tokenID uuid.UUID, key string, requestHash [32]byte) (tenant.IdempotencyClaim, error)
	FinishIdempotencyKey(ctx context.Context, tokenID uuid.UUID, key string, res tenant.StoredResponse) error
	ReleaseIdempotencyKey(ctx context.Context, tokenID uuid.UUID, key string) error
}

// HeaderIdempotencyKey names a POST request so that a retry of it is not
// done twice.
const HeaderIdempotencyKey = "Idempotency-Key"

// idempotent runs a POST request sent with an Idempotency-Key once per
// token and key: its response (any below 500) is stored, and a retry with
// the same key and the same request (method, path with query, body) gets
// that response again, with Idempotent-Replayed: true. The same key with
// another request is a 422; while the first still runs, a 409. A
// response of 500 or more forgets the key: the retry runs again. Keys are
// kept a day.
func (h *Handler) idempotent(c *fiber.Ctx) error {
	key := c.Get(HeaderIdempotencyKey)
	if c.Method() != fiber.MethodPost || key == "" || h.Keys == nil {
		return c.Next()
	}
	if len(key) > 255 || !printable(key) {
		return h.fail(c, marquee.Invalid(HeaderIdempotencyKey, "api.idempotency_key_invalid"), fiber.StatusBadRequest)
	}
	tok := tokenOf(c)
	hash := requestHash(c)
	ctx := c.UserContext()
	claim, err := h.Keys.ClaimIdempotencyKey(ctx, tok.ID, key, hash)
	if err != nil {
		return h.fail(c, err, 0)
	}
	switch {
	case !bytes.Equal(claim.RequestHash, hash[:]):
		return h.fail(c, marquee.Invalid(HeaderIdempotencyKey, "api.idempotency_key_reused"), fiber.StatusUnprocessableEntity)
	case !claim.Fresh && claim.Response == nil:
		return h.fail(c, &marquee.Error{Code: marquee.ECONFLICT, Field: HeaderIdempotencyKey, Message: "api.idempotency_key_running"}, fiber.StatusConflict)
	case !claim.Fresh:
		return replay(c, *claim.Response)
	}
	if err := c.Next(); err != nil {
		// Not answered yet: the app's error handler answers it after us.
		_ = h.Keys.ReleaseIdempotencyKey(context.WithoutCancel(ctx), tok.ID, key)
		return err
	}
	res := c.Response()
	status := res.StatusCode()
	if status >= 500 {
		if err := h.Keys.ReleaseIdempotencyKey(context.WithoutCancel(ctx), tok.ID, key); err != nil {
			tenantweb.NoteFailure(c, err)
		}
		return nil
	}
	stored := tenant.StoredResponse{Status: status, ContentType: string(res.Header.ContentType()),
		Location: string(res.Header.Peek(fiber.HeaderLocation)), Body: bytes.Clone(res.Body())}
	if err := h.Keys.FinishIdempotencyKey(context.WithoutCancel(ctx), tok.ID, key, stored); err != nil {
		// The request was done; its retry will find the key running.
		tenantweb.NoteFailure(c, err)
	}
	return nil
}

// requestHash is what makes two requests the same request.
func requestHash(c *fiber.Ctx) [32]byte {
	sum := sha256.New()
	sum.Write([]byte(c.Method() + " " + c.OriginalURL() + "\n"))
	sum.Write(c.Body())
	var out [32]byte
	sum.Sum(out[:0])
	return out
}

// replay answers with a stored response.
func replay(c *fiber.Ctx, res tenant.StoredResponse) error {
	c.Set("Idempotent-Replayed", "true")
	if res.Location != "" {
		c.Set(fiber.HeaderLocation, res.Location)
	}
	if res.ContentType != "" {
		c.Set(fiber.HeaderContentType, res.ContentType)
	}
	return c.Status(res.Status).Send(res.Body)
}

// printable reports whether s is visible ASCII (a key goes in a header).
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
