package storefront

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/google/uuid"
)

// pickupPrefix starts every pick-up token; the digit is the token's version,
// so a later format can be told apart from this one.
const pickupPrefix = "MQP1."

// pickupMACLen is how much of the HMAC-SHA256 a token carries: 128 bits keep
// forgery out of reach and the QR code small (a 37-character token for a
// 9-character order number).
const pickupMACLen = 16

// maxPickupToken bounds what Parse looks at, so a pasted novel costs nothing.
const maxPickupToken = 200

// PickupTokens makes and checks the text an order's QR code carries for the
// pick-up desk: "MQP1.<number>.<base64url MAC>". The MAC binds the event
// (its id is in the MAC, not in the text) and the order number, under its own
// domain label, so a token is neither the status link nor its signature and
// cannot be turned into one. Key is the order links' key (no new secret).
type PickupTokens struct {
	Key []byte // the OrderLinks key: at least 32 random bytes
}

// Token returns the pick-up token of an order of an event.
func (p PickupTokens) Token(tenantID uuid.UUID, number string) string {
	return pickupPrefix + number + "." + base64.RawURLEncoding.EncodeToString(p.mac(tenantID, number))
}

// Parse returns the order number a token of this event carries. Spaces
// around the token (a scanner's or a typist's) are ignored; anything else
// that is not a token of this event for its number gives ok=false.
func (p PickupTokens) Parse(tenantID uuid.UUID, token string) (number string, ok bool) {
	token = strings.TrimSpace(token)
	if len(token) > maxPickupToken || !strings.HasPrefix(token, pickupPrefix) {
		return "", false
	}
	number, sig, found := strings.Cut(token[len(pickupPrefix):], ".")
	if !found || number == "" || strings.Contains(sig, ".") {
		return "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, p.mac(tenantID, number)) {
		return "", false
	}
	return number, true
}

func (p PickupTokens) mac(tenantID uuid.UUID, number string) []byte {
	m := hmac.New(sha256.New, p.Key)
	m.Write([]byte("pickup\x00"))
	m.Write(tenantID[:])
	m.Write([]byte(number))
	return m.Sum(nil)[:pickupMACLen]
}

// PickupTokens are the pick-up tokens made with the order links' key.
func (l OrderLinks) PickupTokens() PickupTokens { return PickupTokens(l) }

// ShowsPickupCode reports whether an order's attendee is shown its pick-up
// code: an order collected at the event (no address, in an event that does
// not ship) that is still to be collected, whose personal data is kept.
func ShowsPickupCode(o *Order, ships bool) bool {
	if o.Address != nil || ships || o.ErasedAt != nil {
		return false
	}
	switch o.Status {
	case StatusCancelled, StatusCollected, StatusDelivered:
		return false
	}
	return true
}
