// Package metrics is what a replica tells Prometheus: its requests by app,
// route and status class, its orders, caches, emails, certificates, jobs
// and database pool. Its counters are made once and their children
// resolved before serving, so that what a request adds is a few atomic
// operations (Requests.ObserveRequest); what other packages count
// themselves (tenant.MemoStats, pgxpool.Stat) is read at scrape time.
package metrics

import (
	"net/http"
	"regexp"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Set is one process's metrics and the registry that serves them.
type Set struct {
	reg        *prometheus.Registry
	collectors []prometheus.Collector // what reg has, for Names

	Requests *Requests

	ordersPlaced  prometheus.Counter
	ordersRefused *prometheus.CounterVec
	stockouts     prometheus.Counter
	emails        *prometheus.CounterVec
	certificates  *prometheus.CounterVec
	jobsHeld      prometheus.Counter
	jobsHeldFor   prometheus.Counter
}

// New returns the metrics of one process, with Go's runtime and process
// collectors registered.
func New() *Set {
	reg := prometheus.NewRegistry()
	s := &Set{reg: reg,
		ordersPlaced: prometheus.NewCounter(prometheus.CounterOpts{Name: "marquee_orders_placed_total",
			Help: "Orders placed by attendees."}),
		ordersRefused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "marquee_orders_refused_total",
			Help: "Orders refused, by reason (sold_out, over_attendee_limit, sales_closed, ..., internal)."}, []string{"reason"}),
		stockouts: prometheus.NewCounter(prometheus.CounterOpts{Name: "marquee_stockouts_total",
			Help: "Orders refused because a line asked for more than was left in stock."}),
		emails: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "marquee_emails_total",
			Help: "Emails handed to the mail server (result sent) or refused by it (result failed)."}, []string{"result"}),
		certificates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "marquee_certificates_total",
			Help: "Certificates obtained or failed to obtain (TLS=acme)."}, []string{"result"}),
		jobsHeld: prometheus.NewCounter(prometheus.CounterOpts{Name: "marquee_jobs_held_total",
			Help: "Jobs that waited before their attempt because the process's requests were queueing (JOB_YIELD)."}),
		jobsHeldFor: prometheus.NewCounter(prometheus.CounterOpts{Name: "marquee_jobs_held_seconds_total",
			Help: "Time jobs waited before their attempt for the process's requests (JOB_YIELD)."}),
	}
	s.Requests = newRequests()
	s.collectors = []prometheus.Collector{collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		s.Requests.hist, s.ordersPlaced, s.ordersRefused, s.stockouts, s.emails, s.certificates, s.jobsHeld, s.jobsHeldFor}
	reg.MustRegister(s.collectors...)
	for _, r := range []string{"sent", "failed"} {
		s.emails.WithLabelValues(r)
	}
	for _, r := range []string{"obtained", "failed"} {
		s.certificates.WithLabelValues(r)
	}
	return s
}

// Register adds collectors read at scrape time (Caches, Pool, Jobs).
func (s *Set) Register(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := s.reg.Register(c); err != nil {
			return err
		}
		s.collectors = append(s.collectors, c)
	}
	return nil
}

// Names are the names of every metric family the Set exports (a
// histogram's without its _bucket, _sum and _count), for the tests that
// hold the dashboard and the alert rules to them.
func (s *Set) Names() []string {
	ch := make(chan *prometheus.Desc)
	go func() {
		for _, c := range s.collectors {
			c.Describe(ch)
		}
		close(ch)
	}()
	var names []string
	for d := range ch {
		if m := fqName.FindStringSubmatch(d.String()); m != nil {
			names = append(names, m[1])
		}
	}
	return names
}

// fqName finds a metric's name in its Desc's String: client_golang
// exports no getter.
var fqName = regexp.MustCompile(`fqName: "([^"]+)"`)

// Handler serves the metrics in Prometheus's text format: METRICS_ADDR's
// only page, never the public listener's.
func (s *Set) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	return mux
}

// OrderPlaced counts an order placed.
func (s *Set) OrderPlaced() { s.ordersPlaced.Inc() }

// OrderRefused counts an order refused for reason (an error's message id
// without its "order." prefix, or "internal"); sold_out is a stock-out too.
func (s *Set) OrderRefused(reason string) {
	s.ordersRefused.WithLabelValues(reason).Inc()
	if reason == "sold_out" {
		s.stockouts.Inc()
	}
}

// EmailSent counts an email the mail server accepted (ok) or refused.
func (s *Set) EmailSent(ok bool) {
	s.emails.WithLabelValues(result(ok, "sent")).Inc()
}

// JobHeld counts a job that waited d for the process's requests before
// its attempt (jobs.Options.OnHeld).
func (s *Set) JobHeld(d time.Duration) {
	s.jobsHeld.Inc()
	s.jobsHeldFor.Add(d.Seconds())
}

// Certificate counts a certificate obtained (ok) or failed.
func (s *Set) Certificate(ok bool) {
	s.certificates.WithLabelValues(result(ok, "obtained")).Inc()
}

func result(ok bool, yes string) string {
	if ok {
		return yes
	}
	return "failed"
}
