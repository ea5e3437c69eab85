package edge_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"marquee/tenant/edge"
)

// refusedAlert is how a refused name reaches a client: certmagic's
// GetCertificate fails, crypto/tls sends an internal_error alert.
const refusedAlert = "tls: internal error"

func TestAnAllowedNameGetsItsCertificateOnTheFirstHandshake(t *testing.T) {
	const name = "devcon.shop.test"
	ca := newCA(t)
	_, database := newDatabase(t)
	r := startEdge(t, ca, newStorage(t, database), allow(name), replicaOptions{})

	leaf, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued)
	if err != nil {
		t.Fatalf("first handshake for %s: %v", name, err)
	}
	if !slices.Equal(leaf.DNSNames, []string{name}) {
		t.Errorf("certificate names %v, want [%s]", leaf.DNSNames, name)
	}
	if key, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || key.Curve != elliptic.P256() {
		t.Errorf("certificate key is %T, want ECDSA P-256", leaf.PublicKey)
	}
	again, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued)
	if err != nil || again.SerialNumber.Cmp(leaf.SerialNumber) != 0 {
		t.Errorf("second handshake: %v, serial %v; want the same certificate (%v)", err, again, leaf.SerialNumber)
	}
	if n := ca.Orders(); n != 1 {
		t.Errorf("%d orders placed, want 1", n)
	}

	st, err := r.CertificateState(context.Background(), name)
	if err != nil || st.Status != edge.StatusValid || !st.NotAfter.Equal(leaf.NotAfter) || st.LastError != "" {
		t.Errorf("CertificateState = %+v, %v; want valid until %v", st, err, leaf.NotAfter)
	}
}

func TestACertificateBeingObtainedReadsAsPending(t *testing.T) {
	const name = "devcon.shop.test"
	ca := newCA(t)
	_, database := newDatabase(t)
	r := startEdge(t, ca, newStorage(t, database), allow(name), replicaOptions{})
	arrived, release := ca.HoldOrders()
	t.Cleanup(release)

	done := make(chan error, 1)
	go func() {
		_, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued)
		done <- err
	}()
	select {
	case <-arrived:
	case err := <-done:
		t.Fatalf("handshake ended before the CA saw an order: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("no order reached the CA")
	}
	if st, err := r.CertificateState(context.Background(), name); err != nil || st.Status != edge.StatusPending {
		t.Errorf("while the CA works: CertificateState = %+v, %v; want pending", st, err)
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("handshake: %v", err)
	}
	if st, err := r.CertificateState(context.Background(), name); err != nil || st.Status != edge.StatusValid {
		t.Errorf("once obtained: CertificateState = %+v, %v; want valid", st, err)
	}
}

func TestNamesThePlatformDoesNotServeCostTheCAAndStorageNothing(t *testing.T) {
	ca := newCA(t)
	_, database := newDatabase(t)
	storage := newStorage(t, database)
	allowed := allow("devcon.shop.test")
	r := startEdge(t, ca, storage, allowed, replicaOptions{})

	for _, tc := range []struct {
		rule, serverName string
		asksAllow        bool
	}{
		{"an unknown subdomain is refused", "nobody.shop.test", true},
		{"someone else's domain is refused", "www.example.org", true},
		{"a client sending no name (an IP address) is refused", "127.0.0.1", false},
		{"a single label is refused", "localhost", false},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			asked := allowed.asked.Load()
			_, err := handshake(within(t, time.Minute), r.HTTPS, tc.serverName, ca.Issued)
			if err == nil || !strings.Contains(err.Error(), refusedAlert) {
				t.Fatalf("handshake for %q: %v, want %q", tc.serverName, err, refusedAlert)
			}
			if got := allowed.asked.Load() > asked; got != tc.asksAllow {
				t.Errorf("Allow asked: %v, want %v", got, tc.asksAllow)
			}
		})
	}
	if n := ca.Orders(); n != 0 {
		t.Errorf("%d orders placed for refused names, want 0", n)
	}
	if w, r := storage.writes.Load(), storage.reads.Load(); w != 0 || r != 0 {
		t.Errorf("storage got %d writes and %d reads for refused names, want none", w, r)
	}
	st, err := r.CertificateState(context.Background(), "nobody.shop.test")
	if err != nil || st.Status != edge.StatusNone {
		t.Errorf("CertificateState of a refused name = %+v, %v; want none", st, err)
	}
}

func TestACustomDomainVerifiedAfterARefusalIsServed(t *testing.T) {
	const name = "shop.devcon.org"
	ca := newCA(t)
	_, database := newDatabase(t)
	storage := newStorage(t, database)
	allowed := allow()
	r := startEdge(t, ca, storage, allowed, replicaOptions{})

	if _, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued); err == nil || !strings.Contains(err.Error(), refusedAlert) {
		t.Fatalf("handshake before verification: %v, want %q", err, refusedAlert)
	}
	if n, ops := ca.Orders(), storage.ops(); n != 0 || ops != 0 {
		t.Fatalf("before verification: %d orders, %d storage operations; want none", n, ops)
	}

	allowed.add(name) // the domain's verification succeeded
	leaf, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued)
	if err != nil {
		t.Fatalf("handshake after verification: %v", err)
	}
	if leaf.Subject.CommonName != name && !slices.Contains(leaf.DNSNames, name) {
		t.Errorf("certificate for %v, want %s", leaf.DNSNames, name)
	}
	if n := ca.Orders(); n != 1 {
		t.Errorf("%d orders placed, want 1", n)
	}
}

func TestANameNoLongerServedIsRefusedOnceForgotten(t *testing.T) {
	const name = "shop.devcon.org"
	ca := newCA(t)
	_, database := newDatabase(t)
	allowed := allow(name)
	r := startEdge(t, ca, newStorage(t, database), allowed, replicaOptions{})
	if _, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued); err != nil {
		t.Fatal(err)
	}

	allowed.remove(name) // the custom domain was removed from its event
	if _, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued); err != nil {
		t.Errorf("before Forget the certificate in memory is served; got %v", err)
	}
	r.Forget(name)
	if _, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued); err == nil || !strings.Contains(err.Error(), refusedAlert) {
		t.Errorf("handshake after Forget: %v, want %q", err, refusedAlert)
	}
	if n := ca.Orders(); n != 1 {
		t.Errorf("%d orders placed, want 1", n)
	}
}

func TestARestartedReplicaServesTheStoredCertificate(t *testing.T) {
	const name = "devcon.shop.test"
	ca := newCA(t)
	_, database := newDatabase(t)
	first := startEdge(t, ca, newStorage(t, database), allow(name), replicaOptions{})
	before, err := handshake(within(t, time.Minute), first.HTTPS, name, ca.Issued)
	if err != nil {
		t.Fatal(err)
	}
	first.stop()

	// a new process: a new certmagic cache, a new Storage, the same database
	second := startEdge(t, ca, newStorage(t, database), allow(name), replicaOptions{})
	after, err := handshake(within(t, time.Minute), second.HTTPS, name, ca.Issued)
	if err != nil {
		t.Fatalf("handshake after the restart: %v", err)
	}
	if after.SerialNumber.Cmp(before.SerialNumber) != 0 {
		t.Errorf("after the restart certificate %v, want the stored %v", after.SerialNumber, before.SerialNumber)
	}
	if n := ca.Orders(); n != 1 {
		t.Errorf("%d orders placed, want 1 (none after the restart)", n)
	}
}

func TestTwoReplicasAskedAtOnceForANewNamePlaceOneOrder(t *testing.T) {
	const name = "rush.shop.test"
	ca := newCA(t)
	dbInfo, database := newDatabase(t)
	here := startEdge(t, ca, newStorage(t, database), allow(name), replicaOptions{})
	thereHTTPS, _ := startReplica(t, replicaConfig{
		DatabaseURL: dbInfo.OwnerURL,
		CA:          ca.URL,
		CARootsPEM:  string(ca.RootsPEM),
		Allow:       []string{name},
	})

	start := make(chan struct{})
	var wg sync.WaitGroup
	serials := make([]string, 2)
	errs := make([]error, 2)
	for i, addr := range []string{here.HTTPS, thereHTTPS} {
		wg.Go(func() {
			<-start
			leaf, err := handshake(within(t, 2*time.Minute), addr, name, ca.Issued)
			errs[i] = err
			if err == nil {
				serials[i] = leaf.SerialNumber.String()
			}
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
	if serials[0] != serials[1] {
		t.Errorf("replicas serve certificates %s and %s, want one", serials[0], serials[1])
	}
	if n := ca.Orders(); n != 1 {
		t.Errorf("%d orders placed, want 1", n)
	}
}

func TestAFloodOfUnknownNamesLeavesNothingBehind(t *testing.T) {
	const handshakes, concurrency = 5000, 32
	ca := newCA(t)
	_, database := newDatabase(t)
	storage := newStorage(t, database)
	allowed := allow("devcon.shop.test")
	r := startEdge(t, ca, storage, allowed, replicaOptions{})

	baseGoroutines := runtime.NumGoroutine()
	baseHeap := heapInUse()
	names := make(chan string)
	var wg sync.WaitGroup
	var unexpected sync.Map
	for range concurrency {
		wg.Go(func() {
			for name := range names {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				_, err := handshake(ctx, r.HTTPS, name, ca.Issued)
				cancel()
				if err == nil || !strings.Contains(err.Error(), refusedAlert) {
					unexpected.Store(name, err)
				}
			}
		})
	}
	for range handshakes {
		names <- rand.Text()[:12] + ".shop.test"
	}
	close(names)
	wg.Wait()

	unexpected.Range(func(name, err any) bool {
		t.Errorf("handshake for %s: %v, want %q", name, err, refusedAlert)
		return false
	})
	if n := allowed.asked.Load(); n != handshakes {
		t.Errorf("Allow asked %d times, want %d", n, handshakes)
	}
	if n := ca.Orders(); n != 0 {
		t.Errorf("%d orders placed, want 0", n)
	}
	if ops := storage.ops(); ops != 0 {
		t.Errorf("%d storage operations, want 0", ops)
	}
	const goroutineSlack = 5
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseGoroutines+goroutineSlack && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseGoroutines+goroutineSlack {
		t.Errorf("%d goroutines after the flood, %d before", n, baseGoroutines)
	}
	const heapSlack = 32 << 20
	if after := heapInUse(); after > baseHeap+heapSlack {
		t.Errorf("heap in use grew from %d to %d bytes", baseHeap, after)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func TestAFailedIssuanceIsReportedToEveryReplicaAndNotRetriedByEveryHandshake(t *testing.T) {
	const name = "broken.shop.test"
	ca := newCA(t)
	ca.SetRefused(name, true)
	_, database := newDatabase(t)
	allowed := allow(name)
	// certmagic retries a failed on-demand issuance a minute later, within
	// the handshake; this server gives handshakes three seconds.
	first := startEdge(t, ca, newStorage(t, database), allowed, replicaOptions{
		handshakeTimeout: 3 * time.Second,
		config:           func(c *edge.Config) { c.FailureBackoff = time.Hour },
	})
	if _, err := handshake(within(t, time.Minute), first.HTTPS, name, ca.Issued); err == nil {
		t.Fatal("handshake succeeded although the CA refuses the name")
	}
	if n := ca.Orders(); n != 1 {
		t.Fatalf("%d orders placed, want 1", n)
	}

	second := startEdge(t, ca, newStorage(t, database), allowed, replicaOptions{})
	for i, r := range []*replica{first, second} {
		st, err := r.CertificateState(context.Background(), name)
		if err != nil || st.Status != edge.StatusFailed || !strings.Contains(st.LastError, "test CA refuses "+name) || st.FailedAt.IsZero() {
			t.Errorf("replica %d: CertificateState = %+v, %v; want failed with the CA's reason", i, st, err)
		}
	}

	_, err := handshake(within(t, time.Minute), first.HTTPS, name, ca.Issued)
	if err == nil || !strings.Contains(err.Error(), refusedAlert) {
		t.Errorf("handshake during the backoff: %v, want %q", err, refusedAlert)
	}
	if n := ca.Orders(); n != 1 {
		t.Errorf("%d orders placed after a handshake during the backoff, want still 1", n)
	}

	ca.SetRefused(name, false) // the CA's problem is fixed
	if _, err := handshake(within(t, time.Minute), second.HTTPS, name, ca.Issued); err != nil {
		t.Fatalf("handshake on the replica without a backoff: %v", err)
	}
	for i, r := range []*replica{first, second} {
		st, err := r.CertificateState(context.Background(), name)
		if err != nil || st.Status != edge.StatusValid || st.LastError != "" {
			t.Errorf("replica %d after the success: CertificateState = %+v, %v; want valid without an error", i, st, err)
		}
	}
}

func TestConfigIsValidated(t *testing.T) {
	storage := newStorage(t, nil)
	allowAll := func(context.Context, string) error { return nil }
	for _, tc := range []struct {
		rule string
		cfg  edge.Config
	}{
		{"storage is required", edge.Config{Allow: allowAll}},
		{"a decision is required", edge.Config{Storage: storage}},
		{"a DNS provider needs the base domain", edge.Config{Storage: storage, Allow: allowAll, DNSProvider: &fakeDNS{}}},
		{"the base domain is a DNS name", edge.Config{Storage: storage, Allow: allowAll, BaseDomain: "shop test"}},
		{"the CA is a URL", edge.Config{Storage: storage, Allow: allowAll, CA: "acme.example"}},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			if _, err := edge.New(tc.cfg); err == nil {
				t.Errorf("New(%+v) succeeded", tc.cfg)
			}
		})
	}
	e, err := edge.New(edge.Config{Storage: storage, Allow: allowAll, BaseDomain: "shop.test"})
	if err != nil {
		t.Fatalf("New with defaults: %v", err)
	}
	e.Stop()
	e.Stop() // twice is fine
	if err := e.Manage(context.Background(), "*.shop.test"); err == nil {
		t.Error("Manage of a wildcard without a DNS provider succeeded")
	}
}
