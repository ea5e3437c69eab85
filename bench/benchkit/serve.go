package benchkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
)

// Serve starts `marquee serve` on a free loopback port and waits until it
// is ready.
func Serve(ctx context.Context, bin, dbURL, dir string, mailSink *Sink) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "BASE_DOMAIN=bench.test", "LISTEN_ADDR="+addr,
		"SECRET_KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "LOG_LEVEL=info", "LOG_FORMAT=json", "MEDIA_DIR="+filepath.Join(dir, "media"))
	if mailSink != nil {
		// serve's own workers (WORKERS from the environment, or the
		// default) send to the sink while orders come in.
		cmd.Env = append(cmd.Env, "SMTP_URL=smtp://"+mailSink.Addr+"?starttls=none", "SMTP_FROM=shop@bench.test")
	} else {
		// Orders queue their emails in their transaction (measured); no
		// worker sends them during the run (WORKERS=0), so no mail server.
		cmd.Env = append(cmd.Env, "SMTP_URL=smtp://127.0.0.1:1", "WORKERS=0")
	}
	logFile, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return "", nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		logFile.Close()
	}
	base := "http://" + addr
	for i := 0; i < 100; i++ {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base, stop, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	return "", nil, errors.New("marquee serve did not become ready")
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// CSRFToken is the form's CSRF token in a page, or "".
func CSRFToken(page []byte) string {
	if m := csrfInput.FindSubmatch(page); m != nil {
		return string(m[1])
	}
	return ""
}

// NewClient opens the order form as a browser does: its cookies and CSRF
// token.
func NewClient(base, host string) (*http.Client, string, error) {
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, base+"/order", nil)
	req.Host = host
	res, err := cl.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	token := CSRFToken(body)
	if res.StatusCode != 200 || token == "" {
		return nil, "", fmt.Errorf("order form: status %d, no CSRF token", res.StatusCode)
	}
	return cl, token, nil
}

// Submit places an order for one unit of variant as the form does, and
// returns the status, the redirect's location and the body.
func Submit(cl *http.Client, base, host, token string, product, variant uuid.UUID, email string) (int, string, []byte, error) {
	form := url.Values{
		"csrf": {token}, "idempotency_key": {uuid.NewString()}, "action": {"place"},
		"line.0.product": {product.String()}, "line.0.variant": {variant.String()}, "line.0.quantity": {"1"},
		"name": {"Bench"}, "email": {email},
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/order", strings.NewReader(form.Encode()))
	req.Host = host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := cl.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), body, err
}
