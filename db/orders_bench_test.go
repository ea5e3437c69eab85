package db_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/notify/jobs"
)

// BenchmarkPlaceOrder places orders with their jobs (jobs.Enqueuer, as
// serve wires it) through PlaceOrder: one client at a time ("serial": the
// latency of an order's round trips), and 16 at once for one variant
// ("hot", every order updating one row) or spread over 100 variants. It
// reports round trips per order and the CPU per order of this process
// (go-µs/order) and of the database server (pg-µs/order: the postmaster
// and its backends, from /proc), which stay meaningful on a busy machine
// where ns/op (wall time per order) does not. The throwaway database has
// fsync off, so this is the CPU and round-trip cost, not the disk's.
func BenchmarkPlaceOrder(b *testing.B) {
	ctx := context.Background()
	trips := &dbtest.QueryCounter{}
	database := dbtest.New(b).Open(b, db.Options{MaxConns: 16, Tracer: trips})
	inserter, err := jobs.NewInserter(database.Pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	database.Events = &jobs.Enqueuer{Client: inserter, PerOrderSuppliers: db.HasPerOrderSuppliers}
	ev := newTenant(b, database, "bench-orders")
	pen := addProduct(b, database, ev.ID, storefront.Product{}, intp(100_000_000))
	stocks := make([]*int, 100)
	for i := range stocks {
		stocks[i] = intp(100_000_000)
	}
	shirt := addProduct(b, database, ev.ID, storefront.Product{Name: storefront.Text{"en": "Shirt"}}, stocks...)
	var n atomic.Int64
	order := func(p storefront.Product, variant int) {
		i := n.Add(1)
		req := orderFor(fmt.Sprintf("b%d@example.com", i), p, 1)
		req.Lines[0].VariantID = p.Variants[variant%len(p.Variants)].ID
		if _, err := database.PlaceOrder(ctx, ev.ID, req); err != nil {
			b.Error(err)
		}
	}
	run := func(b *testing.B, parallel bool, p storefront.Product) {
		for range 32 { // every connection prepares its statements
			order(p, 0)
		}
		before := trips.N.Load()
		goBefore, pgBefore := processCPU(), serverCPU(b, database)
		b.ReportAllocs()
		b.ResetTimer()
		if parallel {
			b.SetParallelism(8) // 16 clients on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for v := 0; pb.Next(); v++ {
					order(p, v)
				}
			})
		} else {
			for v := 0; b.Loop(); v++ {
				order(p, v)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(trips.N.Load()-before)/float64(b.N), "trips/order")
		b.ReportMetric(float64((processCPU()-goBefore).Microseconds())/float64(b.N), "go-µs/order")
		b.ReportMetric(float64((serverCPU(b, database)-pgBefore).Microseconds())/float64(b.N), "pg-µs/order")
	}
	b.Run("serial", func(b *testing.B) { run(b, false, pen) })
	b.Run("hot", func(b *testing.B) { run(b, true, pen) })
	b.Run("spread", func(b *testing.B) { run(b, true, shirt) })
}

// processCPU is the CPU time this process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU is the CPU time the database server of database used so far:
// its postmaster (found by its port among /proc's processes) with the
// backends it reaped, and its live children.
func serverCPU(b *testing.B, database *db.DB) time.Duration {
	port := strconv.Itoa(int(database.Pool.Config().ConnConfig.Port))
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	postmaster := ""
	for _, d := range dirs {
		args := strings.Split(readFile(d+"/cmdline"), "\x00")
		if strings.HasSuffix(args[0], "postgres") && slices.Contains(args, "-p") && args[slices.Index(args, "-p")+1] == port {
			postmaster = filepath.Base(d)
		}
	}
	if postmaster == "" {
		b.Fatalf("no postgres process listening on port %s in /proc", port)
	}
	var ticks int64
	for _, d := range dirs {
		stat := readFile(d + "/stat")
		end := strings.LastIndexByte(stat, ')')
		if end < 0 {
			continue
		}
		f := strings.Fields(stat[end+1:]) // f[1] is the parent, f[11:15] utime stime cutime cstime
		if len(f) < 15 || filepath.Base(d) != postmaster && f[1] != postmaster {
			continue
		}
		for _, v := range f[11:15] {
			n, _ := strconv.ParseInt(v, 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
