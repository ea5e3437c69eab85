package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/tenant"
)

// The tests in this file run `marquee serve` as real processes, built from
// this package, and stop them with real signals.

var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// marqueeBinary builds ./cmd/marquee once per test binary.
func marqueeBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "marquee-test-bin-"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "marquee")
		out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build ./cmd/marquee: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// removeBuiltBinary removes what marqueeBinary built (TestMain).
func removeBuiltBinary() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

// freeAddr is a loopback address nothing listens on just now.
func freeAddr(t *testing.T) string {
	t.Helper()
	return fmt.Sprintf("127.0.0.1:%d", freePort(t))
}

// reservedAddr is a loopback address held by a socket that is bound but
// not listening: a connection to it is refused, and no other process (the
// tests of other packages run beside this one) can listen on it until
// release, called just before a replica is started there. A port from
// freeAddr left unused for a while can be taken: a rolling restart's
// spare slot once answered haproxy's check for 15 s.
func reservedAddr(t *testing.T) (addr string, release func()) {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0) // not inherited by haproxy or the replicas
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		t.Fatal(err)
	}
	var once sync.Once
	release = func() { once.Do(func() { syscall.Close(fd) }) }
	t.Cleanup(release)
	return fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port), release
}

// replica is one `marquee serve` process.
type replica struct {
	addr   string
	cmd    *exec.Cmd
	out    *lockedBuffer
	exited chan error
}

// startReplica runs `marquee serve` on addr against s's database, with the
// extra environment given, and waits until its /readyz answers 200.
func startReplica(t *testing.T, s *testServer, addr string, env ...string) *replica {
	t.Helper()
	cmd := exec.Command(marqueeBinary(t), "serve")
	r := &replica{addr: addr, cmd: cmd, out: &lockedBuffer{}, exited: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = r.out, r.out
	cmd.Env = append(os.Environ(), "DATABASE_URL="+s.dbURL, "BASE_DOMAIN="+testBase, "SECRET_KEY="+testKey,
		"MEDIA_DIR="+t.TempDir(), "SMTP_URL=smtp://127.0.0.1:1?starttls=none", "WORKERS=0", "LOG_FORMAT=text",
		"LISTEN_ADDR="+addr)
	cmd.Env = append(cmd.Env, env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-r.exited
		r.exited <- nil // for anyone else waiting
		if t.Failed() {
			t.Logf("marquee serve on %s:\n%s", addr, r.out.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		if status, _ := probe("http://" + addr + "/readyz"); status == 200 {
			return r
		}
		select {
		case err := <-r.exited:
			r.exited <- err
			t.Fatalf("marquee serve on %s exited: %v\n%s", addr, err, r.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("marquee serve on %s not ready within 20s:\n%s", addr, r.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
}

// wait waits for the process to exit, failing unless it exits with 0
// within d.
func (r *replica) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case err := <-r.exited:
		r.exited <- err
		if err != nil {
			t.Fatalf("marquee serve on %s exited with %v", r.addr, err)
		}
	case <-time.After(d):
		t.Fatalf("marquee serve on %s still running %v after SIGTERM", r.addr, d)
	}
}

// probe is one GET on a connection of its own: the status, or the error.
func probe(u string) (int, error) {
	cl := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := cl.Get(u)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// penShop provisions an event selling one pen with ample stock and no
// extra order fields.
type penShop struct {
	host             string
	product, variant uuid.UUID
}

func newPenShop(t *testing.T, s *testServer, slug string) penShop {
	t.Helper()
	ev := s.event(slug, tenant.StatusActive, blue)
	stock := 1_000_000
	pen, err := s.db.AddProduct(context.Background(), ev.ID, storefront.Product{Name: storefront.Text{"en": "Pen"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Blue"}, Stock: &stock}}})
	if err != nil {
		t.Fatal(err)
	}
	return penShop{host: slug + "." + testBase, product: pen.ID, variant: pen.Variants[0].ID}
}

// buyer is an attendee's browser: a cookie jar, a kept-alive connection,
// the order form's token.
type buyer struct {
	shop   penShop
	base   string
	client *http.Client
	token  string
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// newBuyer opens the order form at base (a replica or a load balancer).
func newBuyer(t *testing.T, shop penShop, base string) *buyer {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &buyer{shop: shop, base: base, client: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 1},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	t.Cleanup(b.client.CloseIdleConnections)
	req, _ := http.NewRequest(http.MethodGet, base+"/order", nil)
	req.Host = shop.host
	res, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	m := csrfInput.FindSubmatch(body)
	if res.StatusCode != 200 || m == nil {
		t.Fatalf("order form: status %d, no token", res.StatusCode)
	}
	b.token = string(m[1])
	return b
}

// order places one order for email; nil means the shop acknowledged it
// (303 to the order's page).
func (b *buyer) order(email string) error {
	form := url.Values{"csrf": {b.token}, "idempotency_key": {uuid.NewString()}, "action": {"place"},
		"line.0.product": {b.shop.product.String()}, "line.0.variant": {b.shop.variant.String()}, "line.0.quantity": {"1"},
		"name": {"Drain Tester"}, "email": {email}}
	req, _ := http.NewRequest(http.MethodPost, b.base+"/order", strings.NewReader(form.Encode()))
	req.Host = b.shop.host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("status %d: %.200s", res.StatusCode, body)
	}
	return nil
}

// ordersOf counts the orders in the database placed with these emails.
func ordersOf(t *testing.T, s *testServer, emails []string) int {
	t.Helper()
	return countRows(t, s.adminURL, "SELECT count(*) FROM orders WHERE email = ANY($1)", emails)
}
