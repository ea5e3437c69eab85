package db

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/tenant"
)

// APIToken is a bearer token of the REST API, without its secret.
type APIToken = tenant.APIToken

// CreateAPIToken stores a new platform token's hash and returns the
// token, which is shown once and never kept.
func (db *DB) CreateAPIToken(ctx context.Context, name string, scopes []string) (string, APIToken, error) {
	return db.createAPIToken(ctx, dbq.APITokenInsertParams{Name: name, Scopes: scopes})
}

// CreateEventAPIToken stores a new token of event tenantID, made by staff
// member createdBy ("" for the CLI), and returns its secret, shown once.
func (db *DB) CreateEventAPIToken(ctx context.Context, tenantID uuid.UUID, name string, scopes []string, createdBy string) (string, APIToken, error) {
	return db.createAPIToken(ctx, dbq.APITokenInsertParams{Name: name, Scopes: scopes,
		TenantID: uuid.NullUUID{UUID: tenantID, Valid: true}, CreatedBy: createdBy})
}

func (db *DB) createAPIToken(ctx context.Context, p dbq.APITokenInsertParams) (string, APIToken, error) {
	secret := "mq_" + randomToken()
	hash := sha256.Sum256([]byte(secret))
	p.TokenHash = hash[:]
	var tok APIToken
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.APITokenInsert(ctx, p)
		tok = apiTokenFromRow(row)
		return err
	})
	if err != nil {
		return "", tok, storeError(err, violationIs(pgerrcode.CheckViolation, "api_tokens_scopes_check", marquee.Invalid("scopes", "api.scope_unknown")),
			violationIs(pgerrcode.CheckViolation, "api_tokens_name_check", marquee.Invalid("name", "api.token_name")),
			violationIs(pgerrcode.ForeignKeyViolation, "", &marquee.Error{Code: marquee.ENOTFOUND, Message: "tenant.not_found"}))
	}
	return secret, tok, nil
}

// APITokenBySecret finds the live token a bearer secret names and records
// its use; a revoked or unknown one is ENOTFOUND.
func (db *DB) APITokenBySecret(ctx context.Context, secret string) (APIToken, error) {
	hash := sha256.Sum256([]byte(secret))
	var tok APIToken
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.APITokenByHash(ctx, hash[:])
		tok = apiTokenFromRow(row)
		return err
	})
	return tok, notFound(err, "api.unauthorized")
}

// APITokens lists every token, revoked ones and events' included.
func (db *DB) APITokens(ctx context.Context) ([]APIToken, error) {
	var out []APIToken
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		rows, err := q.APITokenList(ctx)
		for _, r := range rows {
			out = append(out, apiTokenFromRow(r))
		}
		return err
	})
	return out, err
}

// EventAPITokens lists event tenantID's tokens, revoked ones included,
// newest first.
func (db *DB) EventAPITokens(ctx context.Context, tenantID uuid.UUID) ([]APIToken, error) {
	out := []APIToken{}
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		rows, err := q.APITokenListByTenant(ctx, tenantID)
		for _, r := range rows {
			out = append(out, apiTokenFromRow(r))
		}
		return err
	})
	return out, err
}

// RevokeAPIToken ends a token; an unknown or already revoked one is ENOTFOUND.
func (db *DB) RevokeAPIToken(ctx context.Context, id uuid.UUID) error {
	return db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		return touched(q.APITokenRevoke(ctx, id))
	})
}

// RevokeEventAPIToken ends token id of event tenantID; another event's,
// an unknown or an already revoked one is ENOTFOUND.
func (db *DB) RevokeEventAPIToken(ctx context.Context, tenantID, id uuid.UUID) error {
	return db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		return touched(q.APITokenRevokeForTenant(ctx, dbq.APITokenRevokeForTenantParams{ID: id, TenantID: tenantID}))
	})
}

func apiTokenFromRow(r dbq.ApiToken) APIToken {
	tok := APIToken{ID: r.ID, Name: r.Name, Scopes: r.Scopes, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt}
	if r.TenantID.Valid {
		id := r.TenantID.UUID
		tok.TenantID = &id
	}
	return tok
}

// ClaimIdempotencyKey claims key of token tokenID for a request whose
// hash is requestHash: fresh when it is the key's first use within a day.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, tokenID uuid.UUID, key string, requestHash [32]byte) (tenant.IdempotencyClaim, error) {
	var claim tenant.IdempotencyClaim
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		if err := q.IdempotencyKeyExpire(ctx, dbq.IdempotencyKeyExpireParams{TokenID: tokenID, Key: key}); err != nil {
			return err
		}
		row, err := q.IdempotencyKeyClaim(ctx, dbq.IdempotencyKeyClaimParams{TokenID: tokenID, Key: key, RequestHash: requestHash[:]})
		if errors.Is(err, pgx.ErrNoRows) {
			// Another request inserted the key after this statement's
			// snapshot: it is running.
			claim.RequestHash = requestHash[:]
			return nil
		}
		claim.Fresh, claim.RequestHash = row.Inserted, row.RequestHash
		if row.Status != nil {
			claim.Response = &tenant.StoredResponse{Status: int(*row.Status), ContentType: row.ContentType, Location: row.Location, Body: row.Body}
		}
		return err
	})
	return claim, storeError(err)
}

// FinishIdempotencyKey stores the response of key's first request.
func (db *DB) FinishIdempotencyKey(ctx context.Context, tokenID uuid.UUID, key string, res tenant.StoredResponse) error {
	return storeError(db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		return q.IdempotencyKeyFinish(ctx, dbq.IdempotencyKeyFinishParams{TokenID: tokenID, Key: key, Status: int32(res.Status),
			ContentType: res.ContentType, Location: res.Location, Body: res.Body})
	}))
}

// ReleaseIdempotencyKey forgets key, whose request failed on our side, so
// that a retry runs again.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, tokenID uuid.UUID, key string) error {
	return storeError(db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		return q.IdempotencyKeyRelease(ctx, dbq.IdempotencyKeyReleaseParams{TokenID: tokenID, Key: key})
	}))
}

// SweepIdempotencyKeys deletes the idempotency keys older than a day at
// now, with the responses they keep (which may hold personal data), and
// says how many.
func (db *DB) SweepIdempotencyKeys(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) (err error) {
		n, err = q.IdempotencyKeySweep(ctx, now.Add(-24*time.Hour))
		return err
	})
	return n, storeError(err)
}
