package web

import (
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/trace"
)

// JSONLog is the process's JSON log handler: slog's JSONHandler for every
// line, except that RequestLog writes its one line per request through
// WriteRequest, an encoder that appends the same fields in the same order
// and the same JSON (time, level, msg, then the request's attributes) into
// a pooled buffer instead of going through slog's generic path (a record,
// its attributes, reflection on each value). Both write whole lines through
// one lock, so lines never interleave. A logger derived with With or
// WithGroup is slog's plain JSONHandler again: its request lines take the
// generic path with the extra attributes.
type JSONLog struct {
	slog.Handler
	out *lineWriter
}

// NewJSONLog returns a JSONLog writing to w with opts (its level; the
// request line ignores ReplaceAttr and AddSource, which the platform does not
// set). Every line is written when it is logged.
func NewJSONLog(w io.Writer, opts *slog.HandlerOptions) *JSONLog {
	return NewBufferedJSONLog(w, opts, 0)
}

// NewBufferedJSONLog is NewJSONLog gathering request lines for up to delay
// (0: none) and writing them together (see lineWriter); Flush writes what
// is gathered, and must be called before the process ends.
func NewBufferedJSONLog(w io.Writer, opts *slog.HandlerOptions, delay time.Duration) *JSONLog {
	out := &lineWriter{w: w, delay: delay}
	return &JSONLog{Handler: slog.NewJSONHandler(out, opts), out: out}
}

// Flush writes the request lines gathered so far.
func (h *JSONLog) Flush() error { return h.out.flush() }

// RequestLine is what RequestLog writes about one request.
type RequestLine struct {
	Time      time.Time
	Level     slog.Level
	RequestID string
	Method    string
	Host      string
	Path      string
	Tenant    string
	Status    int
	Duration  time.Duration
	Err       error         // nil: no "err" field
	TraceID   trace.TraceID // the request's span's trace (tracing on); zero: no "trace_id" field
}

var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// WriteRequest writes l as one JSON line with the message "request", as
// slog.JSONHandler would write it with the attributes of RequestLog.
func (h *JSONLog) WriteRequest(ctx context.Context, l RequestLine) {
	if !h.Enabled(ctx, l.Level) {
		return
	}
	bp := lineBuffers.Get().(*[]byte)
	b := appendRequestLine((*bp)[:0], l)
	h.out.writeRequest(b)
	if cap(b) <= 16<<10 { // a hostile path could make one huge: not kept
		*bp = b
		lineBuffers.Put(bp)
	}
}

func appendRequestLine(b []byte, l RequestLine) []byte {
	b = append(b, `{"time":"`...)
	b = l.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"`...)
	b = append(b, l.Level.String()...)
	b = append(b, `","msg":"request","request_id":`...)
	b = appendJSONString(b, l.RequestID)
	b = append(b, `,"method":`...)
	b = appendJSONString(b, l.Method)
	b = append(b, `,"host":`...)
	b = appendJSONString(b, l.Host)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, l.Path)
	b = append(b, `,"tenant":`...)
	b = appendJSONString(b, l.Tenant)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(l.Status), 10)
	b = append(b, `,"duration":`...)
	b = strconv.AppendInt(b, int64(l.Duration), 10)
	if l.TraceID.IsValid() {
		b = append(b, `,"trace_id":"`...)
		b = hex.AppendEncode(b, l.TraceID[:])
		b = append(b, '"')
	}
	if l.Err != nil {
		b = append(b, `,"err":`...)
		b = appendJSONString(b, l.Err.Error())
	}
	return append(b, "}\n"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as slog's JSON handler quotes it:
// quotes, backslashes and control characters escaped, invalid UTF-8 as
// U+FFFD, U+2028 and U+2029 escaped, everything else (HTML's <, >, & too)
// as it is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
