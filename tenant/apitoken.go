package tenant

import (
	"time"

	"github.com/google/uuid"
)

// APIToken is a bearer token of the REST API, without its secret: a
// platform token (TenantID nil) reaches every event, an event token only
// its own.
type APIToken struct {
	ID         uuid.UUID
	Name       string
	Scopes     []string
	TenantID   *uuid.UUID
	CreatedBy  string // the staff member who made it in the console; "" for the CLI
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// StoredResponse is the response an idempotency key replays.
type StoredResponse struct {
	Status      int
	ContentType string
	Location    string
	Body        []byte
}

// IdempotencyClaim is what claiming an idempotency key found: Fresh when
// this request is the key's first (it runs and stores its response), else
// the first request's hash and its response (nil while it still runs).
type IdempotencyClaim struct {
	Fresh       bool
	RequestHash []byte
	Response    *StoredResponse
}
