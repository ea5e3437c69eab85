// Package benchkit holds what the order benchmarks share (bench/orders,
// bench/burst): an SMTP sink, `marquee serve` started and stopped, and
// the order form as a browser fills it.
package benchkit

import (
	"io"
	"log"
	"net"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

// Sink is an SMTP server on 127.0.0.1 that accepts every message, reads
// it whole and counts it: what the workers send to during a mail run.
type Sink struct {
	srv      *smtp.Server
	Addr     string       // host:port
	Received atomic.Int64 // messages so far
	LastAt   atomic.Int64 // unix nanoseconds of the latest message
}

// StartSink listens on a free port of 127.0.0.1.
func StartSink() (*Sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Sink{Addr: ln.Addr().String()}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = time.Minute, time.Minute
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the sink.
func (s *Sink) Close() { _ = s.srv.Close() }

// NewSession opens a session per connection (smtp.Backend).
func (s *Sink) NewSession(*smtp.Conn) (smtp.Session, error) { return sinkSession{s}, nil }

type sinkSession struct{ s *Sink }

func (sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (sinkSession) Reset()                               {}
func (sinkSession) Logout() error                        { return nil }

func (ss sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	ss.s.Received.Add(1)
	ss.s.LastAt.Store(time.Now().UnixNano())
	return nil
}
