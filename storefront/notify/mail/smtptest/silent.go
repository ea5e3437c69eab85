package smtptest

import (
	"net"
	"sync"
	"testing"
)

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
