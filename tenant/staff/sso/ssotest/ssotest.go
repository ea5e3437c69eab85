// Package ssotest runs a real OpenID provider for tests: zitadel/oidc's
// example OP (its exampleop and storage packages, unchanged) in a process
// of its own on 127.0.0.1. The test binary runs itself again as the
// provider: a package whose tests use Start calls RunIfProvider first in
// its TestMain.
package ssotest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"golang.org/x/text/language"
)

// envSpec names the provider's spec file in the environment of the
// process that is to be the provider.
const envSpec = "MARQUEE_SSOTEST_PROVIDER"

// The client Marquee is registered as at the provider.
const (
	ClientID     = "marquee"
	ClientSecret = "marquee-test-secret"
)

// User is an account at the provider; Username and Password sign in on its
// form.
type User struct {
	Username, Password string
	Email              string
	EmailVerified      bool
	Name               string
}

// spec is what the provider process is told.
type spec struct {
	UsersFile    string
	RedirectURIs []string
}

// Provider is a running provider process.
type Provider struct {
	Issuer string // http://127.0.0.1:PORT/
}

// Start runs a provider that knows users and lets ClientID sign in with
// redirectURI, until the test ends.
func Start(t testing.TB, redirectURI string, users ...User) *Provider {
	t.Helper()
	dir := t.TempDir()
	store := map[string]*storage.User{}
	for i, u := range users {
		id := fmt.Sprintf("user%d", i+1)
		first, last, _ := strings.Cut(u.Name, " ")
		store[id] = &storage.User{ID: id, Username: u.Username, Password: u.Password, Email: u.Email,
			EmailVerified: u.EmailVerified, FirstName: first, LastName: last, PreferredLanguage: language.English}
	}
	s := spec{UsersFile: filepath.Join(dir, "users.json"), RedirectURIs: []string{redirectURI}}
	writeJSON(t, s.UsersFile, store)
	specFile := filepath.Join(dir, "spec.json")
	writeJSON(t, specFile, s)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envSpec+"="+specFile)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(dir, "provider.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = stdin.Close() // the provider exits when its stdin closes
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		_ = log.Close()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	issuer, ok := strings.CutPrefix(strings.TrimSpace(line), "issuer ")
	if err != nil || !ok {
		b, _ := os.ReadFile(log.Name())
		t.Fatalf("the provider did not start (%v, %q): %s", err, line, b)
	}
	return &Provider{Issuer: issuer}
}

func writeJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// RunIfProvider makes this process the provider when Start asked for one:
// it serves until its stdin closes, then exits. Call it first in TestMain.
func RunIfProvider() {
	specFile := os.Getenv(envSpec)
	if specFile == "" {
		return
	}
	if err := runProvider(specFile); err != nil {
		fmt.Fprintln(os.Stderr, "ssotest provider:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runProvider(specFile string) error {
	b, err := os.ReadFile(specFile)
	if err != nil {
		return err
	}
	var s spec
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	users, err := storage.StoreFromFile(s.UsersFile)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	issuer := "http://" + ln.Addr().String() + "/"
	storage.RegisterClients(storage.WebClient(ClientID, ClientSecret, s.RedirectURIs...))
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	router := exampleop.SetupServer(issuer, storage.NewStorage(users), logger, false)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	fmt.Printf("issuer %s\n", issuer)
	srv := &http.Server{Handler: router, ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(ln)
}
