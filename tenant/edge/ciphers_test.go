package edge_test

import (
	"crypto/tls"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTLS12OffersOnlyAEADCipherSuites tries every cipher suite Go knows
// for the platform's ECDSA certificates, one per TLS 1.2 handshake: only
// the AEAD ones (GCM, ChaCha20-Poly1305) may complete. The CBC suites are
// what testssl reports as LUCKY13-prone.
func TestTLS12OffersOnlyAEADCipherSuites(t *testing.T) {
	const name = "devcon.shop.test"
	ca := newCA(t)
	_, database := newDatabase(t)
	r := startEdge(t, ca, newStorage(t, database), allow(name), replicaOptions{})
	if _, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued); err != nil {
		t.Fatalf("first handshake (obtains the certificate): %v", err)
	}
	tried := 0
	for _, suite := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if !slices.Contains(suite.SupportedVersions, tls.VersionTLS12) || !strings.Contains(suite.Name, "_ECDSA_") {
			continue // TLS 1.3's own, or for RSA keys, which the platform's certificates are not
		}
		tried++
		aead := strings.Contains(suite.Name, "_GCM_") || strings.Contains(suite.Name, "_CHACHA20_POLY1305")
		rule := suite.Name + " is refused"
		if aead {
			rule = suite.Name + " is offered"
		}
		t.Run(rule, func(t *testing.T) {
			d := tls.Dialer{Config: &tls.Config{ServerName: name, RootCAs: ca.Issued,
				MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{suite.ID}}}
			conn, err := d.DialContext(within(t, 30*time.Second), "tcp", r.HTTPS)
			if err == nil {
				conn.Close()
			}
			if aead && err != nil {
				t.Fatalf("handshake failed: %v", err)
			}
			if !aead && err == nil {
				t.Fatal("the handshake completed")
			}
		})
	}
	if tried < 5 {
		t.Fatalf("only %d ECDSA suites tried", tried)
	}
}
