package db_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/db"
	"marquee/storefront"
	"marquee/tenant"
)

// replicaEnv names the database a re-run of this test binary serves as a
// replica (TestMain): a second process with its own pool, caches and
// change listener, as another pod of serve.
const replicaEnv = "MARQUEE_TEST_REPLICA_URL"

// replicaView is what a replica's caches hold of an event, and how many
// notifications of each kind it heard for it.
type replicaView struct {
	Error    string   `json:"error,omitempty"`
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	ClosesAt string   `json:"closes_at"`
	Primary  string   `json:"primary"`
	Pickup   string   `json:"pickup"`
	Products []string `json:"products"`
	Fields   []string `json:"fields"`
	Site     string   `json:"site"` // the Site's address: the same while only stock changes
	Changed  int      `json:"changed"`
	Stock    int      `json:"stock"`
}

// runReplica is the replica process: it prints "ready" once it listens,
// then answers each line "HOST EVENT-ID" of its standard input with the
// JSON of its replicaView, until its input ends.
func runReplica(url string) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	database, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer database.Close()
	resolver := tenant.NewResolver("shop.test", database, tenant.MemoOptions{})
	sites := storefront.NewSites(database, tenant.MemoOptions{})
	var mu sync.Mutex
	changed, stock := map[uuid.UUID]int{}, map[uuid.UUID]int{}
	h := db.Forget(resolver, sites)
	forget, setStock := h.Changed, h.Stock
	h.Changed = func(id uuid.UUID) { mu.Lock(); changed[id]++; mu.Unlock(); forget(id) }
	h.Stock = func(t, v uuid.UUID, n *int) { mu.Lock(); stock[t]++; mu.Unlock(); setStock(t, v, n) }
	reset, ready := h.Reset, sync.Once{}
	out := json.NewEncoder(os.Stdout)
	h.Reset = func() { reset(); ready.Do(func() { fmt.Println("ready") }) }
	go database.ListenTenantChanges(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), h)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		host, id, _ := strings.Cut(in.Text(), " ")
		v := viewOf(ctx, resolver, sites, host)
		mu.Lock()
		v.Changed, v.Stock = changed[uuid.MustParse(id)], stock[uuid.MustParse(id)]
		mu.Unlock()
		_ = out.Encode(v)
	}
	return 0
}

func viewOf(ctx context.Context, resolver *tenant.Resolver, sites *storefront.Sites, host string) replicaView {
	t, err := resolver.Resolve(ctx, host)
	if err != nil {
		return replicaView{Error: err.Error()}
	}
	v := replicaView{Name: t.Name, Status: string(t.Status)}
	if t.ClosesAt != nil {
		v.ClosesAt = t.ClosesAt.UTC().Format(time.RFC3339)
	}
	site, err := sites.Get(ctx, t)
	if err != nil {
		return replicaView{Error: err.Error()}
	}
	v.Site = fmt.Sprintf("%p", site)
	v.Primary, v.Pickup = site.Branding.Colours.Primary, site.Settings.PickupPlace
	for _, p := range site.Catalogue.Products {
		s := fmt.Sprintf("%s visible=%t image=%q:", p.Name["en"], p.Visible, p.ImageKey)
		for _, o := range p.Variants {
			s += " " + o.Label["en"]
			if site.VariantSoldOut(o) {
				s += " (sold out)"
			}
		}
		v.Products = append(v.Products, s)
	}
	for _, f := range site.Fields {
		v.Fields = append(v.Fields, fmt.Sprintf("%s %q", f.Key, f.Label["en"]))
	}
	return v
}

// replica is a replica process the test talks to.
type replica struct {
	in  io.Writer
	out *bufio.Scanner
}

// startReplica starts a replica of the database at url (its owner's),
// stopped when the test ends, and waits until it listens.
func startReplica(t *testing.T, url string) *replica {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), replicaEnv+"="+url)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = in.Close(); _ = cmd.Wait() })
	r := &replica{in: in, out: bufio.NewScanner(stdout)}
	r.out.Buffer(nil, 1<<20)
	if !r.out.Scan() || r.out.Text() != "ready" {
		t.Fatalf("the replica did not start: %q %v", r.out.Text(), r.out.Err())
	}
	return r
}

// view asks what the replica holds of the event at host (id: whose
// notifications to count).
func (r *replica) view(t *testing.T, host string, id uuid.UUID) replicaView {
	t.Helper()
	if _, err := fmt.Fprintf(r.in, "%s %s\n", host, id); err != nil {
		t.Fatal(err)
	}
	if !r.out.Scan() {
		t.Fatalf("the replica stopped: %v", r.out.Err())
	}
	var v replicaView
	if err := json.Unmarshal(r.out.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// waitFor asks until cond holds of the view, for at most two seconds, and
// returns the view that passed.
func (r *replica) waitFor(t *testing.T, host string, id uuid.UUID, what string, cond func(replicaView) bool) replicaView {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		v := r.view(t, host, id)
		if cond(v) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica never saw %s: it holds %+v", what, v)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
