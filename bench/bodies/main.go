// Command bodies measures what request bodies that are declared but never
// sent cost the server: the resident memory (RSS) of `marquee serve` while
// many connections each declare a large Content-Length and send nothing
// more. Each scenario runs against a fresh marquee process, so one
// scenario's garbage does not hide in the next one's baseline.
//
// Run it with bash bench/bodies.sh, which builds the binaries first.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"marquee/branding"
	"marquee/db"
	"marquee/db/throwaway"
	"marquee/tenant"
)

type options struct {
	marquee string        // path of the marquee binary
	conns   int           // connections held open at once
	length  int           // the Content-Length each declares
	hold    time.Duration // how long the connections are held while RSS is sampled
}

func main() {
	var o options
	flag.StringVar(&o.marquee, "marquee", "", "path of the marquee binary (required)")
	flag.IntVar(&o.conns, "conns", 200, "connections, each declaring a large body")
	flag.IntVar(&o.length, "length", 11_000_000, "the Content-Length each connection declares")
	flag.DurationVar(&o.hold, "hold", 3*time.Second, "how long the connections are held while RSS is sampled")
	flag.Parse()
	if o.marquee == "" {
		log.Fatal("bodies: -marquee is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.Fatal("bodies: ", err)
	}
}

// scenario is one kind of request the connections declare.
type scenario struct {
	name, host, path, contentType string
}

var scenarios = []scenario{
	{"event host, POST /order (form)", "rss.bench.test", "/order", "application/x-www-form-urlencoded"},
	{"console, POST image upload (multipart)", "console.bench.test", "/events/rss/branding/image", "multipart/form-data; boundary=x"},
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "marquee-bodies-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := throwaway.Start(ctx, throwaway.Options{})
	if err != nil {
		return err
	}
	defer srv.Stop()
	dbURL, err := setUp(ctx, srv)
	if err != nil {
		return err
	}
	fmt.Printf("%d connections, each declaring Content-Length: %d and sending nothing more, held %v\n\n", o.conns, o.length, o.hold)
	fmt.Printf("%-40s %12s %12s %12s %s\n", "scenario", "RSS before", "RSS peak", "growth", "answered while held")
	for _, sc := range scenarios {
		m, err := measure(ctx, o, sc, dbURL, dir)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		fmt.Printf("%-40s %9.1f MB %9.1f MB %9.1f MB %d (%s)\n", sc.name, mb(m.before), mb(m.peak), mb(m.peak-m.before), m.answered, m.statuses)
	}
	return nil
}

func mb(kb int) float64 { return float64(kb) / 1024 }

// setUp creates the owner's database, migrates it and provisions the event
// "rss".
func setUp(ctx context.Context, srv *throwaway.Server) (string, error) {
	url, err := srv.EnsureOwnerDatabase(ctx, "bench_owner", "bench")
	if err != nil {
		return "", err
	}
	if _, err := db.Migrate(ctx, url); err != nil {
		return "", err
	}
	database, err := db.Open(ctx, url, db.Options{MaxConns: 2})
	if err != nil {
		return "", err
	}
	defer database.Close()
	_, err = database.CreateTenant(ctx,
		tenant.Tenant{Slug: "rss", Name: "RSS shop", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"en": {Title: "RSS shop"}}})
	return url, err
}

// measurement is one scenario's figures; RSS in kB.
type measurement struct {
	before, peak int
	answered     int
	statuses     string
}

// measure starts a fresh marquee, warms it up, reads its RSS, opens the
// connections, samples RSS while they are held and counts the answers.
func measure(ctx context.Context, o options, sc scenario, dbURL, dir string) (measurement, error) {
	base, pid, stop, err := serve(ctx, o.marquee, dbURL, dir)
	if err != nil {
		return measurement{}, err
	}
	defer stop()
	for range 20 { // templates parsed, caches filled, pools opened
		for _, path := range []string{"/", "/order"} {
			if err := get(base, "rss.bench.test", path); err != nil {
				return measurement{}, err
			}
		}
	}
	time.Sleep(500 * time.Millisecond)
	var m measurement
	if m.before, err = rss(pid); err != nil {
		return m, err
	}
	addr := strings.TrimPrefix(base, "http://")
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", sc.path, sc.host, sc.contentType, o.length)
	conns := make([]net.Conn, 0, o.conns)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range o.conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return m, err
		}
		conns = append(conns, c)
		if _, err := c.Write([]byte(head)); err != nil {
			return m, err
		}
	}
	m.peak = m.before
	for end := time.Now().Add(o.hold); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		kb, err := rss(pid)
		if err != nil {
			return m, err
		}
		m.peak = max(m.peak, kb)
	}
	m.answered, m.statuses = answers(conns)
	return m, nil
}

// answers counts the connections that got a response while held (without
// waiting any longer) and tallies their statuses.
func answers(conns []net.Conn) (int, string) {
	count := map[int]int{}
	n := 0
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(time.Millisecond))
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			continue
		}
		res.Body.Close()
		n++
		count[res.StatusCode]++
	}
	var parts []string
	for status, k := range count {
		parts = append(parts, fmt.Sprintf("%d×%d", k, status))
	}
	if len(parts) == 0 {
		return 0, "none"
	}
	return n, strings.Join(parts, ", ")
}

// rss is the resident set size of process pid in kB (/proc/PID/status).
func rss(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	return 0, errors.New("no VmRSS in /proc/PID/status")
}

func get(base, host, path string) error {
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Host = host
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("GET %s: status %d", path, res.StatusCode)
	}
	return nil
}

// serve starts `marquee serve` on a free loopback port and waits until it
// is ready; it returns its URL and process id.
func serve(ctx context.Context, bin, dbURL, dir string) (string, int, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", 0, nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "BASE_DOMAIN=bench.test", "LISTEN_ADDR="+addr,
		"SECRET_KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "LOG_LEVEL=warn",
		"MEDIA_DIR="+filepath.Join(dir, "media"), "SMTP_URL=smtp://127.0.0.1:1", "WORKERS=0", "DRAIN_DELAY=0s")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return "", 0, nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	base := "http://" + addr
	for range 100 {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base, cmd.Process.Pid, stop, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	return "", 0, nil, errors.New("marquee serve did not become ready")
}
