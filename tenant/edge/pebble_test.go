package edge_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pebble is a Pebble process: Let's Encrypt's test CA, on loopback.
type pebble struct {
	URL      *url.URL       // its ACME listener
	ownRoots *x509.CertPool // trusts Pebble's own HTTPS
	issued   *x509.CertPool // trusts the certificates it issues
	cmd      *exec.Cmd
	exited   chan struct{}
	tmp      string
}

// pebbleOptions says how a Pebble validates challenges.
type pebbleOptions struct {
	// validate makes Pebble really validate challenges, against httpPort
	// and tlsPort of the addresses dnsServer gives; otherwise every
	// challenge passes (PEBBLE_VA_ALWAYS_VALID).
	validate          bool
	httpPort, tlsPort int
	dnsServer         string
}

// pebbleBinary is the path of the pebble tool of go.mod, built if needed.
var pebbleBinary = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "tool", "-n", "pebble").Output()
	if err != nil {
		return "", fmt.Errorf("go tool -n pebble: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
})

// shared is the always-valid Pebble of this test binary, started by the
// first test that needs it and stopped by TestMain. Tests tell their
// orders apart through their own proxies (newCA).
var shared struct {
	once sync.Once
	p    *pebble
	err  error
}

func sharedPebble(t testing.TB) *pebble {
	t.Helper()
	shared.once.Do(func() { shared.p, shared.err = startPebble(pebbleOptions{}) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.p
}

func stopSharedPebble() {
	if shared.p != nil {
		shared.p.stop()
	}
}

// startPebble runs Pebble on free loopback ports with a certificate of its
// own, and waits until it answers.
func startPebble(opts pebbleOptions) (_ *pebble, err error) {
	bin, err := pebbleBinary()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "edge-pebble-")
	if err != nil {
		return nil, err
	}
	p := &pebble{tmp: tmp, exited: make(chan struct{})}
	defer func() {
		if err != nil {
			p.stop()
		}
	}()
	certPEM, keyPEM, err := selfSignedLoopback()
	if err != nil {
		return nil, err
	}
	p.ownRoots = x509.NewCertPool()
	p.ownRoots.AppendCertsFromPEM(certPEM)
	if err := os.WriteFile(filepath.Join(tmp, "cert.pem"), certPEM, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "key.pem"), keyPEM, 0o600); err != nil {
		return nil, err
	}
	ports, err := freePorts(4)
	if err != nil {
		return nil, err
	}
	if opts.httpPort == 0 {
		opts.httpPort, opts.tlsPort = ports[2], ports[3]
	}
	acmeAddr := fmt.Sprintf("127.0.0.1:%d", ports[0])
	mgmtAddr := fmt.Sprintf("127.0.0.1:%d", ports[1])
	config := map[string]any{"pebble": map[string]any{
		"listenAddress":                  acmeAddr,
		"managementListenAddress":        mgmtAddr,
		"certificate":                    filepath.Join(tmp, "cert.pem"),
		"privateKey":                     filepath.Join(tmp, "key.pem"),
		"httpPort":                       opts.httpPort,
		"tlsPort":                        opts.tlsPort,
		"ocspResponderURL":               "",
		"externalAccountBindingRequired": false,
		"keyAlgorithm":                   "ecdsa",
	}}
	configJSON, _ := json.Marshal(config)
	if err := os.WriteFile(filepath.Join(tmp, "pebble.json"), configJSON, 0o600); err != nil {
		return nil, err
	}
	args := []string{"-config", filepath.Join(tmp, "pebble.json")}
	if opts.dnsServer != "" {
		args = append(args, "-dnsserver", opts.dnsServer)
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0")
	if !opts.validate {
		p.cmd.Env = append(p.cmd.Env, "PEBBLE_VA_ALWAYS_VALID=1")
	}
	logFile, err := os.Create(filepath.Join(tmp, "pebble.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	if os.Getenv("EDGE_TEST_PEBBLE_LOG") != "" {
		p.cmd.Stdout, p.cmd.Stderr = os.Stderr, os.Stderr
	}
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	p.URL = &url.URL{Scheme: "https", Host: acmeAddr}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.ownRoots}}}
	if err := p.waitReady(client); err != nil {
		log, _ := os.ReadFile(filepath.Join(tmp, "pebble.log"))
		return nil, fmt.Errorf("pebble did not start: %w\n%s", err, log)
	}
	root, err := get(client, "https://"+mgmtAddr+"/roots/0")
	if err != nil {
		return nil, fmt.Errorf("pebble's root: %w", err)
	}
	p.issued = x509.NewCertPool()
	if !p.issued.AppendCertsFromPEM(root) {
		return nil, fmt.Errorf("pebble's root is not PEM: %q", root)
	}
	return p, nil
}

func (p *pebble) waitReady(client *http.Client) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := get(client, p.URL.String()+"/dir")
		if err == nil {
			return nil
		}
		select {
		case <-p.exited:
			return errors.New("pebble exited")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return err
		}
	}
}

func (p *pebble) stop() {
	if p.cmd != nil && p.cmd.Process != nil {
		p.cmd.Process.Kill()
		<-p.exited
	}
	os.RemoveAll(p.tmp)
}

func get(client *http.Client, url string) ([]byte, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return body, err
}

// acmeCA is what an Edge under test is given as its CA: Pebble behind a
// proxy of the test's own, which counts the orders placed through it and
// can refuse some.
type acmeCA struct {
	URL    string         // directory URL, through the proxy
	Roots  *x509.CertPool // trusts the proxy's HTTPS
	Issued *x509.CertPool // trusts the certificates Pebble issues

	proxyCert    *x509.Certificate
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

// newCA puts a counting proxy in front of p (the shared Pebble when nil).
// Pebble writes its URLs from the request's Host, which the proxy keeps,
// so every URL certmagic follows leads back through the proxy.
func newCA(t testing.TB, p *pebble) *acmeCA {
	t.Helper()
	if p == nil {
		p = sharedPebble(t)
	}
	ca := &acmeCA{Issued: p.issued, refused: map[string]bool{}}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(p.URL)
			r.Out.Host = r.In.Host
		},
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.ownRoots}},
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
	srv.Config.ErrorLog = discardLog
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca.URL = srv.URL + "/dir"
	ca.Roots = x509.NewCertPool()
	ca.proxyCert = srv.Certificate()
	ca.Roots.AddCert(ca.proxyCert)
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

// Orders is how many new orders were placed through the proxy.
func (ca *acmeCA) Orders() int64 { return ca.orders.Load() }

// holdOrders makes new orders wait until release is called; arrived is
// closed when the first one comes in.
func (ca *acmeCA) holdOrders() (arrived <-chan struct{}, release func()) {
	h := &heldOrders{arrived: make(chan struct{}), released: make(chan struct{})}
	ca.mu.Lock()
	ca.held = h
	ca.mu.Unlock()
	var once sync.Once
	return h.arrived, func() { once.Do(func() { close(h.released) }) }
}

func (ca *acmeCA) wait() {
	ca.mu.Lock()
	h := ca.held
	ca.mu.Unlock()
	if h != nil {
		h.once.Do(func() { close(h.arrived) })
		<-h.released
	}
}

// setRefused makes the CA reject (or accept again) orders for name.
func (ca *acmeCA) setRefused(name string, refused bool) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.refused[name] = refused
}

// refuse answers a new order naming a refused identifier as the CA's
// policy would, with a rejectedIdentifier problem, and reports whether it
// did. The order's JWS payload is read, not verified.
func (ca *acmeCA) refuse(w http.ResponseWriter, r *http.Request) bool {
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

// selfSignedLoopback is an ECDSA certificate for 127.0.0.1, for Pebble's
// own HTTPS.
func selfSignedLoopback() (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "pebble on loopback"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

// freePorts returns n loopback ports nothing listened on a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
