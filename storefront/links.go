package storefront

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"

	"github.com/google/uuid"
)

// OrderLinks signs the links that let an attendee follow an order without
// an account: the signature binds the event and the order number, so a
// link cannot be moved to another order or another event.
type OrderLinks struct {
	Key []byte // at least 32 random bytes, the same on every replica
}

// Sign returns the signature for an order's link.
func (l OrderLinks) Sign(tenantID uuid.UUID, number string) string {
	return base64.RawURLEncoding.EncodeToString(l.mac(tenantID, number))
}

// Verify reports whether sig is the signature of the order's link.
func (l OrderLinks) Verify(tenantID uuid.UUID, number, sig string) bool {
	got, err := base64.RawURLEncoding.DecodeString(sig)
	return err == nil && hmac.Equal(got, l.mac(tenantID, number))
}

// Path is the order's status page with its signature.
func (l OrderLinks) Path(tenantID uuid.UUID, number string) string {
	return "/orders/" + number + "?sig=" + l.Sign(tenantID, number)
}

func (l OrderLinks) mac(tenantID uuid.UUID, number string) []byte {
	m := hmac.New(sha256.New, l.Key)
	m.Write([]byte("order-link\x00"))
	m.Write(tenantID[:])
	m.Write([]byte(number))
	return m.Sum(nil)
}
