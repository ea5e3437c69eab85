package web

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// RequestID is the middleware that gives every request an id, sent back as
// X-Request-Id and written in its log line (RequestLog) and on its error
// page: the client's own X-Request-Id when it sent one (a proxy in front
// may have chosen it; newlines removed as by c.Set), else a new one. New
// ids are UUIDs in the form of Fiber's requestid middleware (a random
// start, then counted), written into the response header from a buffer on
// the stack: a page view allocates nothing for its id. RequestIDOf reads
// it back.
func RequestID(c *fiber.Ctx) error {
	h := &c.Response().Header
	if in := c.Request().Header.Peek(fiber.HeaderXRequestID); len(in) > 0 {
		h.Set(fiber.HeaderXRequestID, utils.UnsafeString(in)) // copied before the call returns
		return c.Next()
	}
	var id [36]byte
	newRequestID(&id)
	h.SetCanonical(requestIDName, id[:])
	return c.Next()
}

var requestIDName = []byte("X-Request-Id") // canonical form, as Peek and c.Set spell it

// RequestIDOf is the request's id as RequestID set it ("" without it).
func RequestIDOf(c *fiber.Ctx) string {
	return string(c.Response().Header.Peek(fiber.HeaderXRequestID))
}

var (
	requestIDSeed    [16]byte
	requestIDCounter atomic.Uint64
)

func init() {
	if _, err := rand.Read(requestIDSeed[:]); err != nil {
		panic("request ids: no random seed: " + err.Error())
	}
	requestIDCounter.Store(binary.LittleEndian.Uint64(requestIDSeed[:8]))
}

// newRequestID writes the next request id into id: the seed with its first
// eight bytes the counter's next value, as a version 4 UUID, as Fiber's
// utils.UUID makes them.
func newRequestID(id *[36]byte) {
	u := requestIDSeed
	binary.LittleEndian.PutUint64(u[:8], requestIDCounter.Add(1))
	u[6], u[9] = u[9], u[6]
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = u[8]&0x3f | 0x80
	hex.Encode(id[0:8], u[0:4])
	id[8] = '-'
	hex.Encode(id[9:13], u[4:6])
	id[13] = '-'
	hex.Encode(id[14:18], u[6:8])
	id[18] = '-'
	hex.Encode(id[19:23], u[8:10])
	id[23] = '-'
	hex.Encode(id[24:], u[10:16])
}
