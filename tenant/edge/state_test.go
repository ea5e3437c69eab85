package edge_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"marquee/tenant/edge"
)

// TestCertStateForOps: the one line ops read for a name (marquee tenant
// show, the API, the console's domain pages).
func TestCertStateForOps(t *testing.T) {
	t.Run("without TLS every name reads none (TLS is off)", func(t *testing.T) {
		var off *edge.Edge
		if got := off.CertState(context.Background(), "devcon.shop.test"); got != "none (TLS is off)" {
			t.Errorf("CertState = %q", got)
		}
	})
	const name = "devcon.shop.test"
	ca := newCA(t)
	_, database := newDatabase(t)
	r := startEdge(t, ca, newStorage(t, database), allow(name), replicaOptions{})
	t.Run("a name with no certificate reads none", func(t *testing.T) {
		if got := r.CertState(context.Background(), "nobody.shop.test"); got != "none" {
			t.Errorf("CertState = %q, want none", got)
		}
	})
	leaf, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued)
	if err != nil {
		t.Fatalf("handshake for %s: %v", name, err)
	}
	t.Run("an obtained certificate reads valid with its expiry", func(t *testing.T) {
		want := "valid, expires " + leaf.NotAfter.UTC().Format(time.DateTime)
		if got := r.CertState(context.Background(), name); got != want {
			t.Errorf("CertState = %q, want %q", got, want)
		}
	})
	t.Run("storage that cannot be read reads unknown, with the error", func(t *testing.T) {
		database.Close()
		if got := r.CertState(context.Background(), name); !strings.HasPrefix(got, "unknown: ") || len(got) == len("unknown: ") {
			t.Errorf("CertState = %q, want unknown: and the error", got)
		}
	})
}
