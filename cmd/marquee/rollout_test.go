package main

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// haproxyConfig is a load balancer as a plain rollout sees one: no
// retries, no redispatch, a health check on /readyz every 200 ms (two
// failures take a server out, two successes put it back). Its log goes to
// stderr, shown when the test fails.
const haproxyConfig = `global
    maxconn 2000
    log stderr format raw local0
defaults
    mode http
    log global
    option httplog
    retries 0
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 1s
frontend shop
    bind %s
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk
    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host health.check
    http-check expect status 200
    default-server inter 200ms fall 2 rise 2
%s
listen stats
    bind %s
    stats enable
    stats uri /stats
`

// loadBalancer is a haproxy process in front of the replica slots.
type loadBalancer struct {
	front, stats string
	out          *lockedBuffer
}

// startHAProxy runs Debian's haproxy in the foreground with one server per
// slot, r0, r1, …
func startHAProxy(t *testing.T, slots []string) *loadBalancer {
	t.Helper()
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		t.Fatal("haproxy is not installed (apt-get install haproxy; .ci/run installs it): the rollout test needs a real load balancer")
	}
	lb := &loadBalancer{front: freeAddr(t), stats: freeAddr(t)}
	var servers []string
	for i, addr := range slots {
		servers = append(servers, fmt.Sprintf("    server r%d %s check", i, addr))
	}
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, haproxyConfig, lb.front, strings.Join(servers, "\n"), lb.stats), 0o644); err != nil {
		t.Fatal(err)
	}
	lb.out = startChild(t, exec.Command(bin, "-db", "-f", cfg), "haproxy")
	return lb
}

// states reads what haproxy thinks of each server (UP, DOWN, …).
func (lb *loadBalancer) states() (map[string]string, error) {
	res, err := http.Get("http://" + lb.stats + "/stats;csv")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, fmt.Errorf("stats: %v", err)
	}
	status := slices.Index(rows[0], "status")
	out := map[string]string{}
	for _, row := range rows[1:] {
		if row[0] == "replicas" && status >= 0 {
			out[row[1]] = strings.Fields(row[status] + " ?")[0]
		}
	}
	return out, nil
}

// waitState waits until haproxy sees server in state.
func (lb *loadBalancer) waitState(t *testing.T, server, state string) {
	t.Helper()
	var got map[string]string
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, _ = lb.states()
		if got[server] == state {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("haproxy: %s is %q after 15s, want %s (all: %v)", server, got[server], state, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRollingRestartBehindHAProxyFailsNoRequest restarts three `marquee
// serve` replicas one after another, as a rolling update does (the new one
// ready before the old one is stopped), behind haproxy with no retries,
// while buyers keep placing orders through it.
func TestRollingRestartBehindHAProxyFailsNoRequest(t *testing.T) {
	s := startServer(t, defaultConfig())
	shop := newPenShop(t, s, "rolling")
	spareAddr, releaseSpare := reservedAddr(t) // refused, and nobody else's, until its replica starts
	slots := []string{freeAddr(t), freeAddr(t), freeAddr(t), spareAddr}
	env := []string{"DRAIN_DELAY=2s", "SHUTDOWN_TIMEOUT=5s"}
	replicas := make([]*replica, len(slots))
	for i := range 3 {
		replicas[i] = startReplica(t, s, slots[i], env...)
	}
	lb := startHAProxy(t, slots)
	for i := range 3 {
		lb.waitState(t, fmt.Sprintf("r%d", i), "UP")
	}
	lb.waitState(t, "r3", "DOWN") // haproxy starts servers up until their checks fail
	base := "http://" + lb.front
	var buyers []*buyer
	for range 6 {
		buyers = append(buyers, newBuyer(t, shop, base))
	}
	load := startOrderLoad(buyers, 10*time.Millisecond)
	defer func() {
		select {
		case <-load.stop:
		default:
			load.finish()
		}
	}()
	time.Sleep(time.Second)

	spare := 3
	for i := range 3 {
		if spare == 3 {
			releaseSpare()
		}
		replicas[spare] = startReplica(t, s, slots[spare], env...)
		lb.waitState(t, fmt.Sprintf("r%d", spare), "UP")
		replicas[i].stop(t)
		replicas[i].wait(t, 10*time.Second)
		lb.waitState(t, fmt.Sprintf("r%d", i), "DOWN")
		t.Logf("replica %d replaced by slot %d; %d orders so far", i, spare, load.ackedCount())
		spare = i
	}
	time.Sleep(time.Second)
	load.finish()

	t.Run("no request fails while every replica is restarted", func(t *testing.T) {
		if len(load.failures) > 0 {
			t.Fatalf("%d of %d orders failed; first: %s", len(load.failures), len(load.failures)+len(load.acked), load.failures[0])
		}
		t.Logf("%d orders through haproxy, 0 failed", len(load.acked))
	})
	t.Run("every acknowledged order is in the database", func(t *testing.T) {
		if got := ordersOf(t, s, load.acked); got != len(load.acked) {
			t.Fatalf("%d of %d acknowledged orders in the database", got, len(load.acked))
		}
	})
}
