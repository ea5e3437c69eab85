package edge_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"
)

// BenchmarkHandshakeStoredCert is full handshakes (a new TCP connection
// each) against an Edge serving a certificate it already holds, the steady
// state of every name after its first visitor.
func BenchmarkHandshakeStoredCert(b *testing.B) {
	const name = "devcon.shop.test"
	ca := newCA(b)
	_, database := newDatabase(b)
	r := startEdge(b, ca, newStorage(b, database), allow(name), replicaOptions{})
	if _, err := handshake(within(b, time.Minute), r.HTTPS, name, ca.Issued); err != nil {
		b.Fatalf("obtaining the certificate: %v", err)
	}
	benchmarkHandshakes(b, r.HTTPS, name, ca.Issued)
}

// BenchmarkHandshakePlainTLS is the baseline: crypto/tls with a fixed
// certificate of the same shape (ECDSA P-256 leaf, an ECDSA intermediate
// sent along, the root trusted by the client), the same client code.
func BenchmarkHandshakePlainTLS(b *testing.B) {
	const name = "devcon.shop.test"
	chain, roots := fixedChain(b, name)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(serveTLS(ln, &tls.Config{Certificates: []tls.Certificate{chain}}, time.Minute))
	benchmarkHandshakes(b, ln.Addr().String(), name, roots)
}

func benchmarkHandshakes(b *testing.B, addr, name string, roots *x509.CertPool) {
	b.ResetTimer()
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := handshake(ctx, addr, name, roots)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "handshakes/s")
}

// fixedChain is a leaf for name signed by an intermediate signed by a
// root, all ECDSA P-256, as Pebble issues them; roots trusts the root.
func fixedChain(b *testing.B, name string) (tls.Certificate, *x509.CertPool) {
	b.Helper()
	now := time.Now()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		return k
	}
	sign := func(tpl, parent *x509.Certificate, pub, signer any) *x509.Certificate {
		der, err := x509.CreateCertificate(rand.Reader, tpl, parent, pub, signer)
		if err != nil {
			b.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	ca := func(serial int64, cn string) *x509.Certificate {
		return &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		}
	}
	rootKey, interKey, leafKey := newKey(), newKey(), newKey()
	rootTpl := ca(1, "bench root")
	root := sign(rootTpl, rootTpl, &rootKey.PublicKey, rootKey)
	inter := sign(ca(2, "bench intermediate"), root, &interKey.PublicKey, rootKey)
	leaf := sign(&x509.Certificate{
		SerialNumber: big.NewInt(3), DNSNames: []string{name},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, inter, &leafKey.PublicKey, interKey)
	roots := x509.NewCertPool()
	roots.AddCert(root)
	return tls.Certificate{Certificate: [][]byte{leaf.Raw, inter.Raw}, PrivateKey: leafKey, Leaf: leaf}, roots
}
