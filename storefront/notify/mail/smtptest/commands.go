package smtptest

import (
	"bytes"
	"strings"
	"sync"
)

// commandLog counts the commands clients send, from the session traffic
// the server echoes to it (go-smtp's Debug: both directions, as read and
// written). Replies begin with a digit and are not counted; a line of a
// message's data that begins with a command's name would be, so tests
// keep their messages free of such lines. Counts are exact while one
// session talks at a time: concurrent sessions' bytes interleave.
type commandLog struct {
	mu     sync.Mutex
	line   []byte
	counts map[string]int
}

// clientVerbs are the commands counted.
var clientVerbs = map[string]bool{"EHLO": true, "HELO": true, "STARTTLS": true, "AUTH": true, "MAIL": true,
	"RCPT": true, "DATA": true, "RSET": true, "NOOP": true, "QUIT": true}

func (l *commandLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rest := p
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			l.line = append(l.line, rest...)
			return len(p), nil
		}
		l.count(append(l.line, rest[:i]...))
		l.line, rest = l.line[:0], rest[i+1:]
	}
}

func (l *commandLog) count(line []byte) {
	verb, _, _ := strings.Cut(strings.TrimSpace(string(line)), " ")
	verb = strings.ToUpper(verb)
	if !clientVerbs[verb] {
		return
	}
	if l.counts == nil {
		l.counts = map[string]int{}
	}
	l.counts[verb]++
}

// Commands returns how many times clients sent each SMTP command
// ("MAIL", "RSET", "NOOP"...) since the server started.
func (s *Server) Commands() map[string]int {
	s.commands.mu.Lock()
	defer s.commands.mu.Unlock()
	out := make(map[string]int, len(s.commands.counts))
	for k, v := range s.commands.counts {
		out[k] = v
	}
	return out
}
