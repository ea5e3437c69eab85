package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

// slogLine is the line slog's JSONHandler writes for l with RequestLog's
// attributes: what WriteRequest must write byte for byte.
func slogLine(t testing.TB, l RequestLine) string {
	var buf bytes.Buffer
	r := slog.NewRecord(l.Time, l.Level, "request", 0)
	r.AddAttrs(slog.String("request_id", l.RequestID), slog.String("method", l.Method),
		slog.String("host", l.Host), slog.String("path", l.Path),
		slog.String("tenant", l.Tenant), slog.Int("status", l.Status),
		slog.Duration("duration", l.Duration))
	if l.Err != nil {
		r.AddAttrs(slog.Any("err", l.Err))
	}
	if err := slog.NewJSONHandler(&buf, nil).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var hostileStrings = []string{
	"", "/", "devcon.shop.test", `say "hi"\`, "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f", "<script>&amp;</script>",
	"caf\u00e9 \u2603 \U0001F600", "\xff\xfe broken \xc3", "line\u2028para\u2029", "/%2e%2e/../etc/passwd?x=\"1\"",
}

func TestRequestLineIsSlogsLine(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 20, 25, 123456789, time.FixedZone("X", 3600))
	for i, s := range hostileStrings {
		l := RequestLine{Time: at, Level: slog.Level(i%3*4 - 0), RequestID: s, Method: "GET", Host: s, Path: s,
			Tenant: s, Status: 200 + i, Duration: time.Duration(i) * 1234567}
		if i%2 == 1 {
			l.Err = errors.New(s)
		}
		if got, want := string(appendRequestLine(nil, l)), slogLine(t, l); got != want {
			t.Errorf("string %q:\n got %s\nwant %s", s, got, want)
		}
	}
}

func FuzzRequestLineIsSlogsLine(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s)
	}
	at := time.Unix(1_800_000_000, 5).UTC()
	f.Fuzz(func(t *testing.T, s string) {
		l := RequestLine{Time: at, Level: slog.LevelWarn, RequestID: s, Method: s, Host: s, Path: s, Tenant: s,
			Status: 503, Duration: 42, Err: errors.New(s)}
		if got, want := string(appendRequestLine(nil, l)), slogLine(t, l); got != want {
			t.Fatalf("string %q:\n got %s\nwant %s", s, got, want)
		}
	})
}

// BenchmarkRequestLine compares slog's generic path with WriteRequest for
// the line of a warm page view.
func BenchmarkRequestLine(b *testing.B) {
	l := RequestLine{Level: slog.LevelInfo, RequestID: "4f6c8f0e-3c1d-4b8e-9a57-2f1d5b0c9e11", Method: "GET",
		Host: "ev0421.bench.test", Path: "/", Tenant: "ev0421", Status: 200, Duration: 48 * time.Microsecond}
	ctx := context.Background()
	b.Run("slog.JSONHandler", func(b *testing.B) {
		log := slog.New(slog.NewJSONHandler(discard{}, nil))
		b.ReportAllocs()
		for b.Loop() {
			log.LogAttrs(ctx, l.Level, "request", slog.String("request_id", l.RequestID), slog.String("method", l.Method),
				slog.String("host", string([]byte(l.Host))), slog.String("path", l.Path),
				slog.String("tenant", l.Tenant), slog.Int("status", l.Status),
				slog.Duration("duration", l.Duration))
		}
	})
	b.Run("JSONLog.WriteRequest", func(b *testing.B) {
		h := NewJSONLog(discard{}, nil)
		b.ReportAllocs()
		for b.Loop() {
			l.Time = time.Now()
			h.WriteRequest(ctx, l)
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
