package db_test

import (
	"context"
	"encoding/csv"
	"io"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

// BenchmarkExportOrders exports 100,000 orders (one item each) as CSV and
// reports the peak heap in use while doing it: the export streams, so the
// peak stays flat however many orders there are.
func BenchmarkExportOrders(b *testing.B) {
	const orders = 100_000
	ctx := context.Background()
	d := dbtest.New(b)
	database := d.Open(b, db.Options{})
	ev := newTenant(b, database, "export-bench")
	admin, err := pgx.Connect(ctx, d.AdminURL)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	seed := []string{
		`INSERT INTO products (id, tenant_id, name) VALUES ('00000000-0000-0000-0000-0000000000a1', $1, '{"en":"T-shirt"}')`,
		`INSERT INTO variants (id, tenant_id, product_id, label) VALUES ('00000000-0000-0000-0000-0000000000b1', $1, '00000000-0000-0000-0000-0000000000a1', '{"en":"M"}')`,
		`INSERT INTO orders (tenant_id, number, idempotency_key, email, name, locale, answers, currency, total_minor, created_at)
		 SELECT $1, 'N' || g, gen_random_uuid(), 'a' || g || '@example.com', 'Zoë =Müller ' || g, 'en', '{}', 'EUR', 0,
		        now() - g * interval '1 second' FROM generate_series(1, ` + strconv.Itoa(orders) + `) g`,
		`INSERT INTO order_items (tenant_id, order_id, position, product_id, variant_id, product_name, variant_label, quantity, unit_price_minor)
		 SELECT $1, id, 0, '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1', '{"en":"T-shirt"}', '{"en":"M"}', 1, 0
		 FROM orders WHERE tenant_id = $1`,
	}
	for _, q := range seed {
		if _, err := admin.Exec(ctx, q, ev.ID); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		var peak atomic.Uint64
		stop := sampleHeap(&peak)
		w := csv.NewWriter(io.Discard)
		rows := 0
		err := database.ExportOrders(ctx, ev.ID, storefront.OrderFilter{}, func(l storefront.ExportLine) error {
			rows++
			return w.Write([]string{storefront.SafeCell(l.Number), storefront.SafeCell(l.Name), storefront.SafeCell(l.Email)})
		})
		w.Flush()
		stop()
		if err != nil || rows != orders {
			b.Fatalf("exported %d rows, %v", rows, err)
		}
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(orders), "rows/op")
	}
}

// sampleHeap records the largest HeapInuse until the returned func is called.
func sampleHeap(peak *atomic.Uint64) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); <-stopped }
}
