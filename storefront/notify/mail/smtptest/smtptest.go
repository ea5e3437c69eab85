// Package smtptest runs a real SMTP server (go-smtp) on 127.0.0.1 for
// tests: it records every message it accepts, checks AUTH PLAIN, speaks
// STARTTLS or implicit TLS with a generated certificate, can be stopped
// and restarted on the same port, and can be told to refuse with any
// reply code. Parse reads a received message back into its parts.
package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TLSMode is how the server protects connections.
type TLSMode int

// The server's TLS modes.
const (
	Plain       TLSMode = iota // no TLS; AUTH allowed in clear text
	StartTLS                   // STARTTLS offered; AUTH only after it
	ImplicitTLS                // TLS from the first byte, like port 465
)

// Options configure a Server.
type Options struct {
	// Username and Password, when set, make AUTH PLAIN with exactly these
	// credentials required before MAIL FROM.
	Username, Password string
	TLS                TLSMode
}

// Message is one message the server accepted.
type Message struct {
	From string   // envelope sender (MAIL FROM)
	To   []string // envelope recipients (RCPT TO)
	Data []byte   // the message as received, headers and body
	HELO string   // the name the client gave in EHLO or HELO
	TLS  bool     // whether the connection was encrypted
	User string   // the authenticated user, "" without AUTH
}

// Server is a running test SMTP server.
type Server struct {
	opts Options
	cert tls.Certificate
	pool *x509.CertPool
	port int

	mu         sync.Mutex
	srv        *smtp.Server
	listener   net.Listener
	served     chan struct{} // closed when srv's Serve returns
	messages   []Message
	arrived    chan struct{} // closed and replaced on every message
	rejects    map[Stage]int
	rcptRej    map[string]int
	hangUp     bool
	dropInData bool
	slowAccept time.Duration
	conns      map[*smtp.Conn]bool
	commands   commandLog
}

// Start runs a server on a free port of 127.0.0.1 until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	cert, pool, err := selfSigned()
	if err != nil {
		t.Fatalf("smtptest: certificate: %v", err)
	}
	s := &Server{
		opts:    opts,
		cert:    cert,
		pool:    pool,
		arrived: make(chan struct{}),
		rejects: map[Stage]int{},
		rcptRej: map[string]int{},
		conns:   map[*smtp.Conn]bool{},
	}
	if err := s.listen("127.0.0.1:0"); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Host is the address to connect to, "127.0.0.1"; the certificate is
// valid for it and for "localhost".
func (s *Server) Host() string { return "127.0.0.1" }

// Port is the server's port; it stays the same across Restart.
func (s *Server) Port() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.port
}

// Addr is "127.0.0.1:port".
func (s *Server) Addr() string { return net.JoinHostPort(s.Host(), strconv.Itoa(s.Port())) }

// CertPool trusts the server's self-signed certificate.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// URL is an SMTP_URL for this server: smtps:// for implicit TLS,
// smtp:// with STARTTLS required, or smtp://…?starttls=none for Plain.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.Addr()}
	if s.opts.Username != "" {
		u.User = url.UserPassword(s.opts.Username, s.opts.Password)
	}
	switch s.opts.TLS {
	case Plain:
		u.RawQuery = "starttls=none"
	case ImplicitTLS:
		u.Scheme = "smtps"
	}
	return u.String()
}

// Messages returns a copy of the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// To returns the messages accepted so far for rcpt, parsed, oldest
// first: a message to several recipients counts for each.
func (s *Server) To(t testing.TB, rcpt string) []Parsed {
	t.Helper()
	var out []Parsed
	for _, m := range s.Messages() {
		for _, to := range m.To {
			if to == rcpt {
				out = append(out, m.Parse(t))
			}
		}
	}
	return out
}

// Wait returns the accepted messages once there are at least n, or fails
// the test after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.messages), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-arrived:
		case <-deadline.C:
			t.Fatalf("smtptest: %d of %d messages after %v", got, n, timeout)
			return nil
		}
	}
}

// Stop closes the listener and every open connection, so that the port
// refuses connections, as a server that is down does. It is safe to call
// more than once.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, l, served := s.srv, s.listener, s.served
	s.srv, s.listener = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	// go-smtp learns of the listener only once Serve runs; closing it
	// here as well covers a Stop that comes first.
	_ = l.Close()
	_ = srv.Close()
	<-served
}

// Restart serves again on the same port after Stop, keeping the messages
// and the certificate.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	if err := s.listen(s.Addr()); err != nil {
		t.Fatalf("smtptest: restart: %v", err)
	}
}

// listen starts serving on addr.
func (s *Server) listen(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{s.cert}, MinVersion: tls.VersionTLS12}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	// Errors of a test server are the client's doing and reach the test
	// as replies; logging them would only add noise, and a log after the
	// test ended would panic.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.Debug = &s.commands
	switch s.opts.TLS {
	case Plain:
		srv.AllowInsecureAuth = true
	case StartTLS:
		srv.TLSConfig = tlsConfig
	case ImplicitTLS:
		srv.TLSConfig = tlsConfig
		l = tls.NewListener(l, tlsConfig)
	}
	served := make(chan struct{})
	s.mu.Lock()
	s.srv, s.listener, s.served = srv, l, served
	s.port = l.Addr().(*net.TCPAddr).Port
	s.mu.Unlock()
	go func() {
		defer close(served)
		_ = srv.Serve(l)
	}()
	return nil
}

// record stores an accepted message and wakes Wait.
func (s *Server) record(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}
