package metrics

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"marquee/tenant"
)

// Caches reads the counts of the named caches (tenant.Memo's) at scrape
// time: hits, misses and invalidations by cache.
func Caches(caches map[string]func() tenant.MemoStats) prometheus.Collector {
	return &cachesCollector{caches: caches,
		hits:   prometheus.NewDesc("marquee_cache_hits_total", "Lookups answered from the cache, by cache (hosts: the event of a Host; sites: an event's pages and catalogue).", []string{"cache"}, nil),
		misses: prometheus.NewDesc("marquee_cache_misses_total", "Lookups that loaded from the database or waited for a load, by cache.", []string{"cache"}, nil),
		forgets: prometheus.NewDesc("marquee_cache_invalidations_total", "Change notifications that marked an event's entries stale (and resyncs that marked every entry), by cache.",
			[]string{"cache"}, nil)}
}

type cachesCollector struct {
	caches                map[string]func() tenant.MemoStats
	hits, misses, forgets *prometheus.Desc
}

func (c *cachesCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.hits
	ch <- c.misses
	ch <- c.forgets
}

func (c *cachesCollector) Collect(ch chan<- prometheus.Metric) {
	for name, stats := range c.caches {
		s := stats()
		ch <- prometheus.MustNewConstMetric(c.hits, prometheus.CounterValue, float64(s.Hits), name)
		ch <- prometheus.MustNewConstMetric(c.misses, prometheus.CounterValue, float64(s.Misses), name)
		ch <- prometheus.MustNewConstMetric(c.forgets, prometheus.CounterValue, float64(s.Invalidations), name)
	}
}

// Pool reads the request pool's use at scrape time (pgxpool.Stat).
func Pool(pool *pgxpool.Pool) prometheus.Collector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("marquee_db_pool_"+name, help, nil, nil)
	}
	return &poolCollector{pool: pool,
		max:      d("max_connections", "DB_MAX_CONNS: the most connections the request pool opens."),
		total:    d("connections", "Connections the request pool holds now (idle, in use and being opened)."),
		acquired: d("acquired_connections", "Connections in use by a transaction now."),
		idle:     d("idle_connections", "Connections idle now."),
		waits:    d("acquire_waits_total", "Acquires that waited for a connection because every one was in use."),
		waited:   d("acquire_wait_seconds_total", "Time spent waiting for a connection."),
		acquires: d("acquires_total", "Connections acquired."),
		canceled: d("acquire_canceled_total", "Acquires given up (the request's context ended, or the acquire timeout)."),
	}
}

type poolCollector struct {
	pool                                                          *pgxpool.Pool
	max, total, acquired, idle, waits, waited, acquires, canceled *prometheus.Desc
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.max, c.total, c.acquired, c.idle, c.waits, c.waited, c.acquires, c.canceled} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(c.max, float64(s.MaxConns()))
	gauge(c.total, float64(s.TotalConns()))
	gauge(c.acquired, float64(s.AcquiredConns()))
	gauge(c.idle, float64(s.IdleConns()))
	counter(c.waits, float64(s.EmptyAcquireCount()))
	counter(c.waited, s.EmptyAcquireWaitTime().Seconds())
	counter(c.acquires, float64(s.AcquireCount()))
	counter(c.canceled, float64(s.CanceledAcquireCount()))
}

// JobCount is how many jobs of a kind are in a state, and how long the
// oldest of them has waited since it was scheduled.
type JobCount struct {
	Kind, State string
	Count       int64
	OldestAge   time.Duration
}

// Jobs reads the job queue at scrape time with count (e.g. a query of
// river_job): jobs by kind and state and the age of the oldest;
// marquee_jobs_up is 0 when the query failed.
func Jobs(count func(ctx context.Context) ([]JobCount, error)) prometheus.Collector {
	return &jobsCollector{count: count,
		jobs: prometheus.NewDesc("marquee_jobs", "Jobs in the queue by kind and state: available (queued), running, retryable (failed, to be tried again), scheduled, discarded (failed for good), cancelled.",
			[]string{"kind", "state"}, nil),
		age: prometheus.NewDesc("marquee_jobs_oldest_age_seconds", "How long the oldest job of a kind in a state has waited since it was scheduled.",
			[]string{"kind", "state"}, nil),
		up: prometheus.NewDesc("marquee_jobs_up", "1 when the job queue could be read at this scrape, 0 when not.", nil, nil)}
}

type jobsCollector struct {
	count         func(ctx context.Context) ([]JobCount, error)
	jobs, age, up *prometheus.Desc
}

func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.jobs
	ch <- c.age
	ch <- c.up
}

func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for _, j := range counts {
		ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, float64(j.Count), j.Kind, j.State)
		ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, j.OldestAge.Seconds(), j.Kind, j.State)
	}
}
