package smtptest

import (
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// Stage is an SMTP command a rejection applies to.
type Stage int

// The stages at which the server can be told to refuse.
const (
	StageMail Stage = iota + 1 // MAIL FROM
	StageRcpt                  // RCPT TO
	StageData                  // after the message data
)

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
// client sees its next command (the next message's MAIL FROM, or QUIT)
// fail.
func (s *Server) HangUpAfterAccept(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hangUp = on
}

// DropInData makes the server close each connection in the middle of a
// message's data, before replying: nothing is delivered, and the client
// sees its DATA fail with a broken connection.
func (s *Server) DropInData(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropInData = on
}

// SlowAccept makes the server hold each reply to a message's data for d
// after it has taken the message: the message is delivered, while the
// client waits for its 250. Zero answers at once.
func (s *Server) SlowAccept(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slowAccept = d
}

func (s *Server) acceptDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.slowAccept
}

func (s *Server) dropsInData() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropInData
}

// Sessions counts the SMTP connections that got as far as the greeting
// since the server started, across restarts.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// AcceptAll lifts every rejection.
func (s *Server) AcceptAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.rejects)
	clear(s.rcptRej)
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
