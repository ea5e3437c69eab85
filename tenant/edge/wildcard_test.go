package edge_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"marquee/tenant/edge"
)

func TestWithADNSProviderEveryEventSharesOneWildcardCertificate(t *testing.T) {
	ca := newCA(t)
	dns := startDNS(t, "shop.test")
	_, database := newDatabase(t)
	allowed := allow("shop.test", "devcon.shop.test", "gophercon.shop.test")
	r := startEdge(t, ca, newStorage(t, database), allowed, replicaOptions{config: func(c *edge.Config) {
		c.DNSProvider = dns
		c.DNSResolvers = []string{dns.Addr}
	}})

	if err := r.Manage(within(t, 2*time.Minute)); err != nil {
		t.Fatalf("Manage: %v", err)
	}
	// certmagic keeps one certificate per name: the wildcard and the apex
	if n := ca.Orders(); n != 2 {
		t.Errorf("Manage placed %d orders, want 2 (*.shop.test and shop.test)", n)
	}
	if appended, left := dns.counts(); appended != 2 || left != 0 {
		t.Errorf("DNS-01: %d TXT records added, %d left behind; want 2 added and cleaned up", appended, left)
	}

	asked := allowed.asked.Load()
	var serials []string
	for _, event := range []string{"devcon.shop.test", "gophercon.shop.test", "newly-provisioned.shop.test"} {
		leaf, err := handshake(within(t, time.Minute), r.HTTPS, event, ca.Issued)
		if err != nil {
			t.Fatalf("handshake for %s: %v", event, err)
		}
		if !slices.Equal(leaf.DNSNames, []string{"*.shop.test"}) {
			t.Errorf("%s got a certificate for %v, want the wildcard", event, leaf.DNSNames)
		}
		serials = append(serials, leaf.SerialNumber.String())
	}
	if slices.ContainsFunc(serials, func(s string) bool { return s != serials[0] }) {
		t.Errorf("events served certificates %v, want one", serials)
	}
	apex, err := handshake(within(t, time.Minute), r.HTTPS, "shop.test", ca.Issued)
	if err != nil || !slices.Equal(apex.DNSNames, []string{"shop.test"}) {
		t.Errorf("handshake for the apex: %v, %v", err, apex)
	}
	if n := ca.Orders(); n != 2 {
		t.Errorf("%d orders after the handshakes, want still 2", n)
	}
	if n := allowed.asked.Load() - asked; n != 0 {
		t.Errorf("Allow asked %d times for names the wildcard covers, want 0", n)
	}

	st, err := r.CertificateState(context.Background(), "devcon.shop.test")
	if err != nil || st.Name != "*.shop.test" || st.Status != edge.StatusValid {
		t.Errorf("CertificateState(devcon.shop.test) = %+v, %v; want the wildcard, valid", st, err)
	}

	// a replica started later loads both from storage
	later := startEdge(t, ca, newStorage(t, database), allowed, replicaOptions{config: func(c *edge.Config) {
		c.DNSProvider = dns
		c.DNSResolvers = []string{dns.Addr}
	}})
	if err := later.Manage(within(t, time.Minute)); err != nil {
		t.Fatalf("Manage on a later replica: %v", err)
	}
	if _, err := handshake(within(t, time.Minute), later.HTTPS, "devcon.shop.test", ca.Issued); err != nil {
		t.Errorf("handshake on the later replica: %v", err)
	}

	// an ops tool's Edge, which never calls Manage, reads the same state
	tool := startEdge(t, ca, newStorage(t, database), allowed, replicaOptions{config: func(c *edge.Config) {
		c.DNSProvider = dns
	}})
	st, err = tool.CertificateState(context.Background(), "devcon.shop.test")
	if err != nil || st.Name != "*.shop.test" || st.Status != edge.StatusValid {
		t.Errorf("an ops tool's CertificateState(devcon.shop.test) = %+v, %v; want the wildcard, valid", st, err)
	}
	if n := ca.Orders(); n != 2 {
		t.Errorf("%d orders after a second replica started, want still 2", n)
	}
}
