package webhooks_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"marquee/storefront/webhooks"
)

// TestSignaturesVerifyWithTheReferenceLibrary: each secret of a rotation's
// overlap verifies the header on its own, with Standard Webhooks' own
// verifier; another secret does not.
func TestSignaturesVerifyWithTheReferenceLibrary(t *testing.T) {
	current, previous := webhooks.NewSecret(), webhooks.NewSecret()
	body := []byte(`{"type":"order.placed","timestamp":"2027-05-03T09:15:00Z","data":{}}`)
	now := time.Now()
	sig, err := webhooks.Signatures([]string{current, previous}, "msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("webhook-id", "msg_1")
	h.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("webhook-signature", sig)
	for name, secret := range map[string]string{"current": current, "previous": previous} {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.Verify(body, h); err != nil {
			t.Errorf("the %s secret does not verify %q: %v", name, sig, err)
		}
	}
	other, _ := standardwebhooks.NewWebhook(webhooks.NewSecret())
	if other.Verify(body, h) == nil {
		t.Error("another secret verifies")
	}
	if _, err := webhooks.Sign("not-a-secret", "msg_1", now, body); err == nil {
		t.Error("a secret without whsec_ signs")
	}
}
