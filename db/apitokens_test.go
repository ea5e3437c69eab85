package db_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant"
)

// TestIdempotencyKeysAreKeptADay: a claimed key and its stored response
// are swept a day after it was first used (the retention sweep calls
// this), and the key is then fresh again; a younger key is kept.
func TestIdempotencyKeysAreKeptADay(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	_, tok, err := database.CreateAPIToken(ctx, "ci", []string{"events:write"})
	if err != nil {
		t.Fatal(err)
	}
	hash := sha256.Sum256([]byte("POST /api/v1/events\n{}"))
	if c, err := database.ClaimIdempotencyKey(ctx, tok.ID, "k", hash); err != nil || !c.Fresh {
		t.Fatalf("%+v %v", c, err)
	}
	res := tenant.StoredResponse{Status: 201, ContentType: "application/json", Body: []byte(`{"email":"ada@example.org"}`)}
	if err := database.FinishIdempotencyKey(ctx, tok.ID, "k", res); err != nil {
		t.Fatal(err)
	}
	c, err := database.ClaimIdempotencyKey(ctx, tok.ID, "k", hash)
	if err != nil || c.Fresh || c.Response == nil || string(c.Response.Body) != string(res.Body) || c.Response.Status != 201 {
		t.Fatalf("second claim %+v %v", c, err)
	}
	if n, err := database.SweepIdempotencyKeys(ctx, time.Now().Add(23*time.Hour)); err != nil || n != 0 {
		t.Errorf("a key younger than a day swept: %d %v", n, err)
	}
	if n, err := database.SweepIdempotencyKeys(ctx, time.Now().Add(25*time.Hour)); err != nil || n != 1 {
		t.Errorf("swept %d (%v), want the day-old key", n, err)
	}
	if c, err := database.ClaimIdempotencyKey(ctx, tok.ID, "k", hash); err != nil || !c.Fresh {
		t.Errorf("after the sweep: %+v %v", c, err)
	}
}
