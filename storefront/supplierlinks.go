package storefront

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// SupplierLinks signs the links in the emails to suppliers that open the
// page where they mark their lines dispatched, without an account. A link
// is signed over the event, the supplier, the order it is about ("" for a
// list: every line of the event the supplier fulfils) and when it expires,
// with the key the order links use under a label of its own, so neither
// link can stand for the other.
type SupplierLinks struct {
	Key []byte // at least 32 random bytes, the same on every replica
}

// SupplierGrant is what one supplier link lets its holder see and mark.
type SupplierGrant struct {
	SupplierID uuid.UUID
	Order      string    // "" for every line the supplier fulfils (a list's link)
	Expires    time.Time // kept to the second
}

// Sign returns the signature of grant g on the event tenantID.
func (l SupplierLinks) Sign(tenantID uuid.UUID, g SupplierGrant) string {
	return base64.RawURLEncoding.EncodeToString(l.mac(tenantID, g))
}

// Verify reports whether sig is the signature of grant g on the event; it
// says nothing of the expiry, which Valid checks.
func (l SupplierLinks) Verify(tenantID uuid.UUID, g SupplierGrant, sig string) bool {
	got, err := base64.RawURLEncoding.DecodeString(sig)
	return err == nil && len(l.Key) > 0 && hmac.Equal(got, l.mac(tenantID, g))
}

// Query is the grant's part of a link's query: order (for an order's
// link), exp and sig.
func (l SupplierLinks) Query(tenantID uuid.UUID, g SupplierGrant) url.Values {
	q := url.Values{"exp": {strconv.FormatInt(g.Expires.Unix(), 10)}, "sig": {l.Sign(tenantID, g)}}
	if g.Order != "" {
		q.Set("order", g.Order)
	}
	return q
}

// Path is the supplier's page of grant g, on the event's own host.
func (l SupplierLinks) Path(tenantID uuid.UUID, g SupplierGrant) string {
	return "/supplier/" + g.SupplierID.String() + "?" + l.Query(tenantID, g).Encode()
}

// Grant reads a link's grant: the supplier id of its path and its query's
// order and exp, checked against sig. ok is false for anything not signed
// by this key for this event.
func (l SupplierLinks) Grant(tenantID uuid.UUID, supplierID, order, exp, sig string) (SupplierGrant, bool) {
	id, err := uuid.Parse(supplierID)
	if err != nil || id == uuid.Nil || id.String() != supplierID {
		return SupplierGrant{}, false
	}
	secs, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || secs <= 0 || strconv.FormatInt(secs, 10) != exp {
		return SupplierGrant{}, false
	}
	g := SupplierGrant{SupplierID: id, Order: order, Expires: time.Unix(secs, 0).UTC()}
	return g, l.Verify(tenantID, g, sig)
}

// Valid reports whether a grant still opens its page at now: before its
// own expiry and, when the event names the end of its retention period,
// before that too (a period shortened since the email was sent).
func (g SupplierGrant) Valid(s Settings, now time.Time) bool {
	if !now.Before(g.Expires) {
		return false
	}
	end, ok := s.RetentionEnds()
	return !ok || now.Before(end)
}

// SupplierLinkExpiry is when a supplier link sent at now expires: when the
// event's retention period ends (its attendees' data is erased then, and
// there is nothing left to dispatch to), or, for an event that names no
// end, SupplierLinkLifetime after now.
func SupplierLinkExpiry(s Settings, now time.Time) time.Time {
	if end, ok := s.RetentionEnds(); ok {
		return end.Truncate(time.Second)
	}
	return now.Add(SupplierLinkLifetime).Truncate(time.Second)
}

// SupplierLinkLifetime is how long a supplier link lasts on an event
// without a closing time or end date.
const SupplierLinkLifetime = 365 * 24 * time.Hour

func (l SupplierLinks) mac(tenantID uuid.UUID, g SupplierGrant) []byte {
	m := hmac.New(sha256.New, l.Key)
	m.Write([]byte("supplier-link\x00"))
	m.Write(tenantID[:])
	m.Write(g.SupplierID[:])
	var exp [8]byte
	binary.BigEndian.PutUint64(exp[:], uint64(g.Expires.Unix()))
	m.Write(exp[:])
	m.Write([]byte(g.Order))
	return m.Sum(nil)
}
