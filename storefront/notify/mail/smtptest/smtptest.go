// Package smtptest runs a real SMTP server (go-smtp) on 127.0.0.1 for
// tests: it records every message it accepts, checks AUTH PLAIN, speaks
// STARTTLS or implicit TLS with a generated certificate, can be stopped
// and restarted on the same port, and can be told to refuse with any
// reply code. Parse reads a received message back into its parts.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"marquee/storefront/notify"
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

// Stage is an SMTP command a rejection applies to.
type Stage int

// The stages at which the server can be told to refuse.
const (
	StageMail Stage = iota + 1 // MAIL FROM
	StageRcpt                  // RCPT TO
	StageData                  // after the message data
)

// Server is a running test SMTP server.
type Server struct {
	opts Options
	cert tls.Certificate
	pool *x509.CertPool
	port int

	mu       sync.Mutex
	srv      *smtp.Server
	listener net.Listener
	served   chan struct{} // closed when srv's Serve returns
	messages []Message
	arrived  chan struct{} // closed and replaced on every message
	rejects  map[Stage]int
	rcptRej  map[string]int
	hangUp   bool
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

// Reject makes every later command at stage fail with code (4xx or 5xx)
// until AcceptAll.
func (s *Server) Reject(stage Stage, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejects[stage] = code
}

// RejectRecipient makes RCPT TO for addr fail with code until AcceptAll.
func (s *Server) RejectRecipient(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcptRej[strings.ToLower(addr)] = code
}

// HangUpAfterAccept makes the server close each connection right after
// it has accepted a message with 250: the message is delivered, while the
// client sees its next command (RSET or QUIT) fail.
func (s *Server) HangUpAfterAccept(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hangUp = on
}

// AcceptAll lifts every rejection.
func (s *Server) AcceptAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.rejects)
	clear(s.rcptRej)
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

// hangsUp reports whether HangUpAfterAccept is on.
func (s *Server) hangsUp() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hangUp
}

// rejection returns the reply to refuse a command with, or nil.
func (s *Server) rejection(stage Stage, rcpt string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	code := s.rejects[stage]
	if c, ok := s.rcptRej[strings.ToLower(rcpt)]; ok && stage == StageRcpt {
		code = c
	}
	if code == 0 {
		return nil
	}
	return &smtp.SMTPError{
		Code:         code,
		EnhancedCode: smtp.EnhancedCodeNotSet,
		Message:      fmt.Sprintf("smtptest: told to refuse with %d", code),
	}
}

// backend opens a session per connection.
type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	sess := &session{s: b.s, conn: c}
	if b.s.opts.Username == "" {
		return sess, nil
	}
	return &authSession{session: sess}, nil
}

// session is one client connection without AUTH.
type session struct {
	s        *Server
	conn     *smtp.Conn
	user     string
	from     string
	to       []string
	accepted bool // a message was just accepted
}

// Reset runs on RSET and after each message, once its reply is written.
func (ss *session) Reset() {
	if ss.accepted && ss.s.hangsUp() {
		// The raw connection: smtp.Conn.Close takes a lock that is held
		// while Reset runs.
		_ = ss.conn.Conn().Close()
	}
	ss.from, ss.to, ss.accepted = "", nil, false
}

func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	if err := ss.s.rejection(StageMail, ""); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.s.rejection(StageRcpt, to); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.s.rejection(StageData, ""); err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.s.record(Message{
		From: ss.from, To: append([]string(nil), ss.to...), Data: data,
		HELO: ss.conn.Hostname(), TLS: isTLS, User: ss.user,
	})
	ss.accepted = true
	return nil
}

// authSession is a session that offers AUTH PLAIN.
type authSession struct{ *session }

func (as *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (as *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != as.s.opts.Username || password != as.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		as.user = username
		return nil
	}), nil
}

// selfSigned makes a certificate for 127.0.0.1, ::1 and localhost and a
// pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // its own root, as in net/http/httptest
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}

// Silent is a TCP listener that accepts connections and never says a
// word, for tests of clients that must give up on a hung server.
type Silent struct {
	l        net.Listener
	mu       sync.Mutex
	accepted int
	conns    []net.Conn
}

// StartSilent listens on a free port of 127.0.0.1 until the test ends.
func StartSilent(t testing.TB) *Silent {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	s := &Silent{l: l}
	done := make(chan struct{})
	go s.accept(done)
	t.Cleanup(func() {
		_ = l.Close()
		<-done
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, c := range s.conns {
			_ = c.Close()
		}
	})
	return s
}

// accept holds every connection open until cleanup.
func (s *Silent) accept(done chan<- struct{}) {
	defer close(done)
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.accepted++
		s.conns = append(s.conns, c)
		s.mu.Unlock()
	}
}

// Host is "127.0.0.1".
func (s *Silent) Host() string { return "127.0.0.1" }

// Port is the listener's port.
func (s *Silent) Port() int { return s.l.Addr().(*net.TCPAddr).Port }

// Accepted counts the connections accepted so far.
func (s *Silent) Accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// Parsed is a received message read back into what a sender set.
type Parsed struct {
	Header      mail.Header
	Subject     string // decoded
	From        *mail.Address
	To          []*mail.Address
	ReplyTo     []*mail.Address     // nil without a Reply-To header
	MessageID   string              // with angle brackets
	Text        string              // the text/plain part, decoded
	HTML        string              // the text/html part, decoded
	Attachments []notify.Attachment // ContentType without parameters, e.g. "text/csv"
}

// Parse reads the message and fails the test if it is malformed.
func (m Message) Parse(t testing.TB) Parsed {
	t.Helper()
	p, err := Parse(m.Data)
	if err != nil {
		t.Fatalf("smtptest: parse message: %v\n%s", err, m.Data)
	}
	return p
}

// Parse reads a raw message: headers through net/mail, the body through
// mime/multipart, undoing base64 and quoted-printable. Parts are taken as
// UTF-8. A part with a file name, or with Content-Disposition attachment,
// is an attachment; the first other text/plain and text/html parts are
// the bodies. Their line ends come back as "\n": text travels with CRLF
// (RFC 2046's canonical form) whatever the sender wrote, and a body that
// is the whole message also ends with a line break the transport adds,
// which is dropped.
func Parse(raw []byte) (Parsed, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Parsed{}, err
	}
	p := Parsed{Header: msg.Header, MessageID: msg.Header.Get("Message-Id")}
	var dec mime.WordDecoder
	if p.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Parsed{}, fmt.Errorf("subject: %w", err)
	}
	if p.From, err = mail.ParseAddress(msg.Header.Get("From")); err != nil {
		return Parsed{}, fmt.Errorf("from: %w", err)
	}
	if p.To, err = msg.Header.AddressList("To"); err != nil {
		return Parsed{}, fmt.Errorf("to: %w", err)
	}
	if p.ReplyTo, err = msg.Header.AddressList("Reply-To"); err != nil && !errors.Is(err, mail.ErrHeaderNotPresent) {
		return Parsed{}, fmt.Errorf("reply-to: %w", err)
	}
	part := entity{
		contentType: msg.Header.Get("Content-Type"),
		encoding:    msg.Header.Get("Content-Transfer-Encoding"),
		body:        msg.Body,
		whole:       true,
	}
	if err := p.walk(part); err != nil {
		return Parsed{}, err
	}
	return p, nil
}

// entity is a message or a part of one: its content headers and body.
type entity struct {
	contentType, encoding, disposition string
	body                               io.Reader
	whole                              bool // the message itself, not a part of it
}

// walk collects the bodies and attachments of e and its parts.
func (p *Parsed) walk(e entity) error {
	mediaType, params, err := mime.ParseMediaType(e.contentType)
	if err != nil {
		mediaType, params = "text/plain", nil // RFC 2045's default
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		r := multipart.NewReader(e.body, params["boundary"])
		for {
			part, err := r.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", mediaType, err)
			}
			err = p.walk(entity{
				contentType: part.Header.Get("Content-Type"),
				encoding:    part.Header.Get("Content-Transfer-Encoding"),
				disposition: part.Header.Get("Content-Disposition"),
				body:        part,
			})
			if err != nil {
				return err
			}
		}
	}
	data, err := io.ReadAll(decoder(e.encoding, e.body))
	if err != nil {
		return fmt.Errorf("%s body: %w", mediaType, err)
	}
	name := fileName(e.disposition, params)
	switch {
	case name != "" || strings.HasPrefix(strings.ToLower(e.disposition), "attachment"):
		p.Attachments = append(p.Attachments, notify.Attachment{Name: name, ContentType: mediaType, Data: data})
	case mediaType == "text/plain" && p.Text == "":
		p.Text = e.text(data)
	case mediaType == "text/html" && p.HTML == "":
		p.HTML = e.text(data)
	}
	return nil
}

// text turns a decoded body into the text a sender wrote.
func (e entity) text(data []byte) string {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	if e.whole {
		s = strings.TrimSuffix(s, "\n")
	}
	return s
}

// decoder undoes a Content-Transfer-Encoding.
func decoder(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, r) // skips line breaks itself
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// fileName is the part's file name from Content-Disposition or the
// Content-Type name parameter, RFC 2231 or RFC 2047 encoded.
func fileName(disposition string, typeParams map[string]string) string {
	name := typeParams["name"]
	if _, params, err := mime.ParseMediaType(disposition); err == nil && params["filename"] != "" {
		name = params["filename"]
	}
	var dec mime.WordDecoder
	if decoded, err := dec.DecodeHeader(name); err == nil {
		return decoded
	}
	return name
}
