package edge_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caddyserver/certmagic"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant/certstore"
	"marquee/tenant/edge"
	"marquee/tenant/edge/pebbletest"
)

var discardLog = log.New(io.Discard, "", 0)

// testLogger writes to the test's output until the test ends; certmagic
// keeps a few goroutines of its own (ARI refreshes) that may log later.
func testLogger(t testing.TB) *slog.Logger {
	w := &testWriter{out: t.Output()}
	t.Cleanup(w.close)
	level := slog.LevelInfo
	if os.Getenv("EDGE_TEST_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

type testWriter struct {
	mu     sync.Mutex
	out    io.Writer
	closed bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return len(p), nil
	}
	return w.out.Write(p)
}

func (w *testWriter) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
}

// newCA is the test's own counting proxy in front of the Pebble this test
// binary shares (stopped by TestMain).
func newCA(t testing.TB) *pebbletest.CA {
	t.Helper()
	return pebbletest.NewCA(t, pebbletest.Shared(t))
}

// newDatabase is a fresh migrated database and its pool.
func newDatabase(t testing.TB) (*dbtest.Database, *db.DB) {
	t.Helper()
	d := dbtest.New(t)
	return d, d.Open(t, db.Options{})
}

// countingStorage is a replica's certstore, counting what reaches it.
type countingStorage struct {
	certmagic.Storage
	reads, writes atomic.Int64
}

var (
	_ certmagic.Storage   = (*countingStorage)(nil)
	_ certmagic.TryLocker = (*countingStorage)(nil)
)

func newStorage(t testing.TB, d *db.DB) *countingStorage {
	return &countingStorage{Storage: certstore.New(d, certstore.WithLogger(testLogger(t)))}
}

func (s *countingStorage) ops() int64 { return s.reads.Load() + s.writes.Load() }

func (s *countingStorage) Store(ctx context.Context, key string, value []byte) error {
	s.writes.Add(1)
	return s.Storage.Store(ctx, key, value)
}

func (s *countingStorage) Delete(ctx context.Context, key string) error {
	s.writes.Add(1)
	return s.Storage.Delete(ctx, key)
}

func (s *countingStorage) Lock(ctx context.Context, name string) error {
	s.writes.Add(1)
	return s.Storage.Lock(ctx, name)
}

func (s *countingStorage) TryLock(ctx context.Context, name string) (bool, error) {
	s.writes.Add(1)
	return s.Storage.(certmagic.TryLocker).TryLock(ctx, name)
}

func (s *countingStorage) Unlock(ctx context.Context, name string) error {
	s.writes.Add(1)
	return s.Storage.Unlock(ctx, name)
}

func (s *countingStorage) Load(ctx context.Context, key string) ([]byte, error) {
	s.reads.Add(1)
	return s.Storage.Load(ctx, key)
}

func (s *countingStorage) Exists(ctx context.Context, key string) bool {
	s.reads.Add(1)
	return s.Storage.Exists(ctx, key)
}

func (s *countingStorage) List(ctx context.Context, path string, recursive bool) ([]string, error) {
	s.reads.Add(1)
	return s.Storage.List(ctx, path, recursive)
}

func (s *countingStorage) Stat(ctx context.Context, key string) (certmagic.KeyInfo, error) {
	s.reads.Add(1)
	return s.Storage.Stat(ctx, key)
}

// allowList is the tenant cache's decision in miniature: names the
// platform serves, from memory. It counts how often it was asked.
type allowList struct {
	mu    sync.RWMutex
	names map[string]bool
	asked atomic.Int64
}

func allow(names ...string) *allowList {
	a := &allowList{names: map[string]bool{}}
	a.add(names...)
	return a
}

func (a *allowList) add(names ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, n := range names {
		a.names[n] = true
	}
}

func (a *allowList) remove(name string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.names, name)
}

func (a *allowList) Allow(_ context.Context, name string) error {
	a.asked.Add(1)
	a.mu.RLock()
	defer a.mu.RUnlock()
	if !a.names[name] {
		return fmt.Errorf("%s is not served here", name)
	}
	return nil
}

// replica is one Edge with its listeners: HTTPS (what TLSConfig serves)
// and port 80's stand-in (HTTPHandler), both on loopback.
type replica struct {
	*edge.Edge
	HTTPS, HTTP string // "127.0.0.1:port"
	stop        func()
}

// replicaOptions change what startEdge builds.
type replicaOptions struct {
	config           func(*edge.Config)
	handshakeTimeout time.Duration // the server side's (default one minute)
	httpAddr         string        // where HTTPHandler listens (default a free port)
}

// startEdge builds an Edge on storage with ca and serves it on loopback
// until the test ends (or stop). As in production, the challenge ports
// are its own listeners: certmagic finds them taken and leaves the
// challenges to them.
func startEdge(t testing.TB, ca *pebbletest.CA, storage certmagic.Storage, allowed *allowList, opts replicaOptions) *replica {
	t.Helper()
	if opts.handshakeTimeout == 0 {
		opts.handshakeTimeout = time.Minute
	}
	if opts.httpAddr == "" {
		opts.httpAddr = "127.0.0.1:0"
	}
	httpsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	httpLn, err := net.Listen("tcp", opts.httpAddr)
	if err != nil {
		t.Fatal(err)
	}
	cfg := edge.Config{
		CA:          ca.URL,
		Email:       "ops@shop.test",
		CARoots:     ca.Roots,
		Storage:     storage,
		Allow:       allowed.Allow,
		BaseDomain:  "shop.test",
		ListenHost:  "127.0.0.1",
		HTTPPort:    httpLn.Addr().(*net.TCPAddr).Port,
		TLSALPNPort: httpsLn.Addr().(*net.TCPAddr).Port,
		Logger:      testLogger(t),
	}
	if opts.config != nil {
		opts.config(&cfg)
	}
	e, err := edge.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	stopTLS := serveTLS(httpsLn, e.TLSConfig(), opts.handshakeTimeout)
	httpSrv := &http.Server{Handler: e.HTTPHandler(nil), ErrorLog: discardLog}
	go httpSrv.Serve(httpLn)
	r := &replica{Edge: e, HTTPS: httpsLn.Addr().String(), HTTP: httpLn.Addr().String()}
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			httpSrv.Close()
			stopTLS()
			e.Stop()
		})
	}
	t.Cleanup(r.stop)
	return r
}

// serveTLS serves handshakes on ln with cfg until the returned function is
// called, which waits for the connections to end. A connection that
// completed its handshake is held until the client closes it.
func serveTLS(ln net.Listener, cfg *tls.Config, timeout time.Duration) (stop func()) {
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				defer cancel()
				tc := tls.Server(conn, cfg)
				if tc.HandshakeContext(ctx) != nil {
					return
				}
				tc.SetReadDeadline(time.Now().Add(timeout))
				io.Copy(io.Discard, tc)
			})
		}
	})
	return func() {
		ln.Close()
		wg.Wait()
	}
}

// handshake connects to addr as a browser asking for name would, and
// returns the certificate it was given, verified against roots.
func handshake(ctx context.Context, addr, name string, roots *x509.CertPool) (*x509.Certificate, error) {
	d := tls.Dialer{Config: &tls.Config{ServerName: name, RootCAs: roots}}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	peers := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(peers) == 0 {
		return nil, errors.New("no certificate")
	}
	return peers[0], nil
}

// within is a context for one step of a test: generous, since -race on two
// cores slows everything down.
func within(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
