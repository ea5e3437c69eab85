package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/infra/metrics"
	"marquee/storefront"
	"marquee/storefront/notify"
	storefrontweb "marquee/storefront/web"
	"marquee/tenant"
)

// newMetrics makes the process's metrics, with the collectors read at
// scrape time: the caches and the request pool.
func (p *platform) newMetrics() error {
	p.metrics = metrics.New()
	if p.cfg.BackupsOn {
		if err := p.metrics.Register(metrics.Backups(p.backupState)); err != nil {
			return err
		}
	}
	return p.metrics.Register(
		metrics.Caches(map[string]func() tenant.MemoStats{"hosts": p.resolver.CacheStats, "sites": p.sites.CacheStats}),
		metrics.Pool(p.db.Pool), metrics.Jobs(p.jobCounts))
}

// jobCounts reads the job queue for the metrics, as the platform role:
// the jobs not completed by kind and state, and the oldest one's wait
// since it was scheduled. River deletes completed jobs after a day;
// the others are few.
func (p *platform) jobCounts(ctx context.Context) ([]metrics.JobCount, error) {
	var out []metrics.JobCount
	err := p.db.InPlatform(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT kind, state::text, count(*), extract(epoch FROM now() - min(scheduled_at))::float8
			FROM river_job WHERE state <> 'completed' GROUP BY kind, state`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var j metrics.JobCount
			var age float64
			if err := rows.Scan(&j.Kind, &j.State, &j.Count, &age); err != nil {
				return err
			}
			j.OldestAge = time.Duration(max(age, 0) * float64(time.Second))
			out = append(out, j)
		}
		return rows.Err()
	})
	return out, err
}

// serveMetrics serves GET /metrics on METRICS_ADDR, a listener of its
// own, until stop is called; with no METRICS_ADDR it does nothing. The public
// listener never answers /metrics.
func (p *platform) serveMetrics() (stop func(), err error) {
	if p.cfg.MetricsAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", p.cfg.MetricsAddr)
	if err != nil {
		return nil, errors.Join(errors.New("METRICS_ADDR"), err)
	}
	return p.serveMetricsOn(ln), nil
}

// serveMetricsOn serves the metrics on ln until stop is called, and Go's
// profiles under /debug/pprof/ (an operator's CPU, heap and goroutine
// profiles of a live replica; the public listener has none of them).
func (p *platform) serveMetricsOn(ln net.Listener) (stop func()) {
	mux := http.NewServeMux()
	mux.Handle("/", p.metrics.Handler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			p.log.Error("metrics server", "err", err)
		}
	}()
	p.log.Info("serving metrics", "addr", ln.Addr().String())
	return func() { srv.Close() }
}

// countedOrders counts the orders placed and refused through the
// storefront's Orders.
type countedOrders struct {
	storefrontweb.Orders
	m *metrics.Set
}

func (o countedOrders) PlaceOrder(ctx context.Context, tenantID uuid.UUID, req storefront.OrderRequest) (*storefront.Order, error) {
	order, err := o.Orders.PlaceOrder(ctx, tenantID, req)
	if err != nil {
		o.m.OrderRefused(refusalReason(err))
	} else {
		o.m.OrderPlaced()
	}
	return order, err
}

// refusalReason is an order's error as a metric's label: its message id
// without "order." (sold_out, over_attendee_limit, ...), or its code.
func refusalReason(err error) string {
	switch code := marquee.ErrorCode(err); code {
	case marquee.EINTERNAL, marquee.EUNAVAILABLE:
		return code
	}
	return strings.TrimPrefix(marquee.ErrorMessage(err), "order.")
}

// countedSender counts the emails the mail server accepted and refused.
type countedSender struct {
	notify.Sender
	m *metrics.Set
}

func (s countedSender) Send(ctx context.Context, m notify.Message) (string, error) {
	id, err := s.Sender.Send(ctx, m)
	s.m.EmailSent(err == nil)
	return id, err
}
