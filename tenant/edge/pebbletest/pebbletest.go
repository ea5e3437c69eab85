// Package pebbletest runs Pebble, Let's Encrypt's test CA, on loopback for
// tests that obtain real certificates, and puts a proxy of the test's own
// in front of it (NewCA) that counts the orders placed through it and can
// refuse or hold some.
//
// Pebble is the tool of go.mod (go tool pebble), run as a process with a
// loopback certificate of its own and free ports. By default every
// challenge passes (PEBBLE_VA_ALWAYS_VALID); Options.Validate makes it
// really validate them. Set PEBBLETEST_LOG=1 to see its log on stderr.
//
//	p := pebbletest.New(t, pebbletest.Options{}) // stopped when t ends
//	ca := pebbletest.NewCA(t, p)
//	e, _ := edge.New(edge.Config{CA: ca.URL, CARoots: ca.Roots, …})
//	… // a client trusts ca.Issued; ca.Orders() counts the orders
package pebbletest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Pebble is a Pebble process on loopback.
type Pebble struct {
	// URL is its ACME listener; the directory is at URL + "/dir".
	URL *url.URL
	// OwnRoots trusts Pebble's own HTTPS (and the proxies of NewCA, which
	// present the same certificate); OwnRootsPEM is the same in PEM, for
	// a client configured by file (ACME_CA_ROOTS).
	OwnRoots    *x509.CertPool
	OwnRootsPEM []byte
	// Issued trusts the certificates Pebble issues: its root of this
	// run, in PEM as IssuedPEM.
	Issued    *x509.CertPool
	IssuedPEM []byte

	cert   tls.Certificate // its own, for 127.0.0.1
	cmd    *exec.Cmd
	exited chan struct{}
	tmp    string
}

// Options say how a Pebble validates challenges.
type Options struct {
	// Validate makes Pebble really validate challenges, at HTTPPort and
	// TLSPort (free ports when zero) of the addresses DNSServer gives
	// (Pebble's -dnsserver; "host:port"). Otherwise every challenge
	// passes.
	Validate          bool
	HTTPPort, TLSPort int
	DNSServer         string
	// Log gets Pebble's output; nil keeps it in a file, shown when Pebble
	// fails to start (or stderr with PEBBLETEST_LOG set).
	Log io.Writer
}

// readyTimeout bounds Pebble's start: generous, since a loaded two-core
// machine running -race tests starts processes slowly.
const readyTimeout = time.Minute

// binary is the path of the pebble tool of go.mod, built if needed.
var binary = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "tool", "-n", "pebble").Output()
	if err != nil {
		return "", fmt.Errorf("go tool -n pebble: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
})

// New starts a Pebble for t and stops it when t ends; it fails t if
// Pebble does not start.
func New(t testing.TB, opts Options) *Pebble {
	t.Helper()
	p, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	return p
}

// Start runs Pebble on free loopback ports with a certificate of its own
// and waits until it answers. Stop ends it.
func Start(opts Options) (_ *Pebble, err error) {
	bin, err := binary()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "pebbletest-")
	if err != nil {
		return nil, err
	}
	p := &Pebble{tmp: tmp, exited: make(chan struct{})}
	defer func() {
		if err != nil {
			p.Stop()
		}
	}()
	if err := p.writeCertificate(); err != nil {
		return nil, err
	}
	ports, err := FreePorts(4)
	if err != nil {
		return nil, err
	}
	if opts.HTTPPort == 0 {
		opts.HTTPPort = ports[2]
	}
	if opts.TLSPort == 0 {
		opts.TLSPort = ports[3]
	}
	acmeAddr := fmt.Sprintf("127.0.0.1:%d", ports[0])
	mgmtAddr := fmt.Sprintf("127.0.0.1:%d", ports[1])
	if err := p.writeConfig(acmeAddr, mgmtAddr, opts); err != nil {
		return nil, err
	}
	if err := p.run(bin, opts); err != nil {
		return nil, err
	}
	p.URL = &url.URL{Scheme: "https", Host: acmeAddr}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.OwnRoots}}}
	defer client.CloseIdleConnections()
	if err := p.waitReady(client); err != nil {
		log, _ := os.ReadFile(filepath.Join(tmp, "pebble.log"))
		return nil, fmt.Errorf("pebble did not start: %w\n%s", err, log)
	}
	if p.IssuedPEM, err = get(client, "https://"+mgmtAddr+"/roots/0"); err != nil {
		return nil, fmt.Errorf("pebble's root: %w", err)
	}
	p.Issued = x509.NewCertPool()
	if !p.Issued.AppendCertsFromPEM(p.IssuedPEM) {
		return nil, fmt.Errorf("pebble's root is not PEM: %q", p.IssuedPEM)
	}
	return p, nil
}

// DirectoryURL is the address of Pebble's ACME directory.
func (p *Pebble) DirectoryURL() string { return p.URL.String() + "/dir" }

// Stop kills Pebble and removes its files.
func (p *Pebble) Stop() {
	if p.cmd != nil && p.cmd.Process != nil {
		p.cmd.Process.Kill()
		<-p.exited
	}
	os.RemoveAll(p.tmp)
}

// writeCertificate makes Pebble's own certificate and the pool trusting it.
func (p *Pebble) writeCertificate() error {
	certPEM, keyPEM, err := selfSignedLoopback()
	if err != nil {
		return err
	}
	if p.cert, err = tls.X509KeyPair(certPEM, keyPEM); err != nil {
		return err
	}
	p.OwnRootsPEM = certPEM
	p.OwnRoots = x509.NewCertPool()
	p.OwnRoots.AppendCertsFromPEM(certPEM)
	if err := os.WriteFile(filepath.Join(p.tmp, "cert.pem"), certPEM, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(p.tmp, "key.pem"), keyPEM, 0o600)
}

func (p *Pebble) writeConfig(acmeAddr, mgmtAddr string, opts Options) error {
	config := map[string]any{"pebble": map[string]any{
		"listenAddress":                  acmeAddr,
		"managementListenAddress":        mgmtAddr,
		"certificate":                    filepath.Join(p.tmp, "cert.pem"),
		"privateKey":                     filepath.Join(p.tmp, "key.pem"),
		"httpPort":                       opts.HTTPPort,
		"tlsPort":                        opts.TLSPort,
		"ocspResponderURL":               "",
		"externalAccountBindingRequired": false,
		"keyAlgorithm":                   "ecdsa",
	}}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(p.tmp, "pebble.json"), configJSON, 0o600)
}

// run starts the process; p.exited is closed when it ends.
func (p *Pebble) run(bin string, opts Options) error {
	args := []string{"-config", filepath.Join(p.tmp, "pebble.json")}
	if opts.DNSServer != "" {
		args = append(args, "-dnsserver", opts.DNSServer)
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0")
	if !opts.Validate {
		p.cmd.Env = append(p.cmd.Env, "PEBBLE_VA_ALWAYS_VALID=1")
	}
	logFile, err := os.Create(filepath.Join(p.tmp, "pebble.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	switch {
	case opts.Log != nil:
		p.cmd.Stdout, p.cmd.Stderr = opts.Log, opts.Log
	case os.Getenv("PEBBLETEST_LOG") != "":
		p.cmd.Stdout, p.cmd.Stderr = os.Stderr, os.Stderr
	default:
		p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	}
	if err := p.cmd.Start(); err != nil {
		return err
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	return nil
}

func (p *Pebble) waitReady(client *http.Client) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		_, err := get(client, p.DirectoryURL())
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

// shared is the always-valid Pebble of a test binary (Shared).
var shared struct {
	once sync.Once
	p    *Pebble
	err  error
}

// Shared is one always-valid Pebble for the whole test binary, started by
// the first test that asks; tests tell their orders apart through their
// own proxies (NewCA). Only a package whose TestMain calls StopShared
// after m.Run may use it.
func Shared(t testing.TB) *Pebble {
	t.Helper()
	shared.once.Do(func() { shared.p, shared.err = Start(Options{}) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.p
}

// StopShared stops the Pebble of Shared, if one was started.
func StopShared() {
	if shared.p != nil {
		shared.p.Stop()
	}
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

// FreePorts returns n loopback ports nothing listened on a moment ago.
func FreePorts(n int) ([]int, error) {
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
