package pebbletest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
)

// CA is what a certificate client under test is given as its CA: a
// Pebble behind a proxy of the test's own, which counts the new orders
// placed through it and can refuse or hold some. Tests sharing a Pebble
// tell their orders apart this way.
type CA struct {
	// URL is the ACME directory, through the proxy.
	URL string
	// Roots trusts the proxy's HTTPS: it presents Pebble's own
	// certificate, so this is Pebble's OwnRoots, and RootsPEM its PEM.
	Roots    *x509.CertPool
	RootsPEM []byte
	// Issued trusts the certificates Pebble issues.
	Issued *x509.CertPool

	newOrderPath string
	orders       atomic.Int64
	mu           sync.Mutex
	refused      map[string]bool // identifiers whose orders are rejected
	held         *heldOrders     // new orders wait for its release
}

// heldOrders is a CA taking its time: new orders wait until release.
type heldOrders struct {
	arrived  chan struct{} // closed by the first order held
	once     sync.Once
	released chan struct{}
}

// NewCA puts a counting proxy on loopback in front of p, closed when t
// ends. Pebble writes its URLs from the request's Host, which the proxy
// keeps, so every URL an ACME client follows leads back through the proxy.
func NewCA(t testing.TB, p *Pebble) *CA {
	t.Helper()
	ca := &CA{Roots: p.OwnRoots, RootsPEM: p.OwnRootsPEM, Issued: p.Issued, refused: map[string]bool{}}
	upstream := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.OwnRoots}}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(p.URL)
			r.Out.Host = r.In.Host
		},
		Transport: upstream,
		ErrorLog:  log.New(io.Discard, "", 0),
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == ca.newOrderPath {
			ca.orders.Add(1)
			if ca.refuse(w, r) {
				return
			}
			ca.wait()
		}
		proxy.ServeHTTP(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{p.cert}}
	srv.StartTLS()
	t.Cleanup(func() {
		srv.Close()
		upstream.CloseIdleConnections()
	})
	ca.URL = srv.URL + "/dir"
	dir, err := get(srv.Client(), ca.URL)
	if err != nil {
		t.Fatalf("directory through the proxy: %v", err)
	}
	var endpoints struct{ NewOrder string }
	if err := json.Unmarshal(dir, &endpoints); err != nil {
		t.Fatalf("directory: %v", err)
	}
	u, err := url.Parse(endpoints.NewOrder)
	if err != nil || u.Path == "" {
		t.Fatalf("directory has no newOrder: %s", dir)
	}
	ca.newOrderPath = u.Path
	return ca
}

// Orders is how many new orders were placed through the proxy, refused
// and held ones included.
func (ca *CA) Orders() int64 { return ca.orders.Load() }

// HoldOrders makes new orders wait until release is called; arrived is
// closed when the first one comes in.
func (ca *CA) HoldOrders() (arrived <-chan struct{}, release func()) {
	h := &heldOrders{arrived: make(chan struct{}), released: make(chan struct{})}
	ca.mu.Lock()
	ca.held = h
	ca.mu.Unlock()
	var once sync.Once
	return h.arrived, func() { once.Do(func() { close(h.released) }) }
}

func (ca *CA) wait() {
	ca.mu.Lock()
	h := ca.held
	ca.mu.Unlock()
	if h != nil {
		h.once.Do(func() { close(h.arrived) })
		<-h.released
	}
}

// SetRefused makes the CA reject (or accept again) orders for name.
func (ca *CA) SetRefused(name string, refused bool) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.refused[name] = refused
}

// refuse answers a new order naming a refused identifier as the CA's
// policy would, with a rejectedIdentifier problem, and reports whether it
// did. The order's JWS payload is read, not verified.
func (ca *CA) refuse(w http.ResponseWriter, r *http.Request) bool {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var jws struct{ Payload string }
	var order struct{ Identifiers []struct{ Value string } }
	if json.Unmarshal(body, &jws) != nil {
		return false
	}
	payload, _ := base64.RawURLEncoding.DecodeString(jws.Payload)
	if json.Unmarshal(payload, &order) != nil {
		return false
	}
	ca.mu.Lock()
	defer ca.mu.Unlock()
	for _, id := range order.Identifiers {
		if ca.refused[id.Value] {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"type":"urn:ietf:params:acme:error:rejectedIdentifier","detail":"test CA refuses %s","status":400}`, id.Value)
			return true
		}
	}
	return false
}
