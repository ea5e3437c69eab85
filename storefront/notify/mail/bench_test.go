package mail_test

import (
	"context"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/mail/smtptest"
)

// BenchmarkSendOverASlowLink sends messages one after another on one
// Sender through a link that delays every byte by 5 ms each way (a relay
// 10 ms away), and reports the time a message takes: about one round trip
// a command, so it counts the round trips of a message on a kept
// connection.
func BenchmarkSendOverASlowLink(b *testing.B) {
	srv := smtptest.Start(b, smtptest.Options{TLS: smtptest.Plain})
	addr := slowLink(b, srv.Addr(), 5*time.Millisecond)
	cfg, err := mail.ParseURL("smtp://" + addr + "?starttls=none")
	if err != nil {
		b.Fatal(err)
	}
	cfg.Timeout = 10 * time.Second
	s := mail.New(cfg)
	defer s.Close()
	m := message()
	ctx := context.Background()
	if _, err := s.Send(ctx, m); err != nil { // the connection's set-up is not measured
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Send(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/message")
}

// slowLink listens on 127.0.0.1 and relays each connection to target,
// delivering every chunk oneWay after it was read, in order.
func slowLink(b *testing.B, target string, oneWay time.Duration) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				_ = in.Close()
				continue
			}
			go delayCopy(out, in, oneWay)
			go delayCopy(in, out, oneWay)
		}
	}()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
}

type chunk struct {
	due  time.Time
	data []byte
}

func delayCopy(dst io.WriteCloser, src io.ReadCloser, d time.Duration) {
	chunks := make(chan chunk, 1024)
	go func() {
		defer dst.Close()
		for c := range chunks {
			time.Sleep(time.Until(c.due))
			if _, err := dst.Write(c.data); err != nil {
				return
			}
		}
	}()
	defer close(chunks)
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			chunks <- chunk{time.Now().Add(d), append([]byte(nil), buf[:n]...)}
		}
		if err != nil {
			return
		}
	}
}
