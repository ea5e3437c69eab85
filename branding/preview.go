package branding

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/google/uuid"
)

// PreviewLinks signs the links that show an event's draft to people
// without an account (stakeholders). A token names the event and when it
// expires; anyone holding it sees the current draft until then.
type PreviewLinks struct {
	Key []byte // the server's SECRET_KEY
}

// Token returns a preview token for the event, valid until expires.
func (l PreviewLinks) Token(tenantID uuid.UUID, expires time.Time) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(expires.Unix()))
	return base64.RawURLEncoding.EncodeToString(append(b[:], l.mac(tenantID, b[:])...))
}

// Valid reports whether token previews the event at now.
func (l PreviewLinks) Valid(tenantID uuid.UUID, token string, now time.Time) bool {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 8+sha256.Size {
		return false
	}
	expires := time.Unix(int64(binary.BigEndian.Uint64(raw[:8])), 0)
	return hmac.Equal(raw[8:], l.mac(tenantID, raw[:8])) && now.Before(expires)
}

func (l PreviewLinks) mac(tenantID uuid.UUID, expiry []byte) []byte {
	m := hmac.New(sha256.New, l.Key)
	m.Write([]byte("branding-preview\x00"))
	m.Write(tenantID[:])
	m.Write(expiry)
	return m.Sum(nil)
}
