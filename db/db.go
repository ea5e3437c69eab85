// Package db is Marquee's Postgres: the pool, the embedded migrations, the
// tenant-scoped transaction helper, and the stores that map sqlc's rows to
// the domain types of tenant, branding and storefront. sqlc's generated code
// (db/internal/dbq) never leaves this package.
package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/trace"

	"marquee"
)

// Roles the migrations create. Requests run as AppRole, platform work as
// PlatformRole; neither owns a table, so row-level security always applies.
const (
	AppRole      = "marquee_app"
	PlatformRole = "marquee_platform"
)

// DB is the application's pool. Its connections keep the login role of
// the URL: every transaction switches to AppRole (or PlatformRole) itself,
// for itself only, so the pool may sit behind PgBouncer in transaction
// pooling mode, where consecutive transactions of one client connection
// run on different server connections (and a session's SET ROLE would
// reach other clients).
type DB struct {
	Pool *pgxpool.Pool
	// direct is the connection LISTEN holds: Options.DirectURL's.
	direct *pgx.ConnConfig
	// Events hears of changes with side effects inside their
	// transactions (nil: nobody).
	Events Events
	// Now is the clock of sales windows and histories (nil: time.Now).
	Now func() time.Time
	// OnlinePayments: the platform takes payments online (its Stripe keys
	// are set), so a priced order waits for its payment (pending_payment);
	// without, it is paid at pick-up.
	OnlinePayments bool
	// WebhooksAllowPrivate lets webhook endpoints be plain http and on
	// private or loopback addresses (tests and dev only; see
	// webhooks.CheckURL).
	WebhooksAllowPrivate bool

	// acquireTimeout bounds the wait for a connection (0: DefaultAcquireTimeout).
	acquireTimeout time.Duration
	// spans starts a span per transaction (TraceWith; nil: none).
	spans trace.Tracer

	// reservations take orders' stock and count attendees' units (nil:
	// guarded, production's only kind); only the test that proves those
	// guards matter replaces them (orders_unguarded_test.go).
	reservations reservations
}

// Options tune Open. The zero value is fine.
type Options struct {
	MaxConns int32
	// Tracer observes every query (metrics, tests counting queries).
	Tracer pgx.QueryTracer
	// AcquireTimeout bounds how long a transaction waits for a connection
	// before failing with EUNAVAILABLE (0: DefaultAcquireTimeout).
	AcquireTimeout time.Duration
	// DirectURL reaches the same database without a transaction pooler in
	// between, for what needs a session of its own: the LISTEN of tenant
	// changes ("": the pool's url).
	DirectURL string
}

// Open connects to url. No request runs as the owner or a superuser of the
// database: each transaction's first statement switches to AppRole (or
// PlatformRole) for that transaction only (InTenant, InPlatform, the
// one-trip reads, the order's first batch). url may go through PgBouncer
// in transaction pooling mode; PgBouncer before 1.21 does not keep named
// prepared statements, so such a url must then say
// default_query_exec_mode=cache_describe (or exec), which pgx reads.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	direct := cfg.ConnConfig.Copy()
	if opts.DirectURL != "" && opts.DirectURL != url {
		if direct, err = pgx.ParseConfig(opts.DirectURL); err != nil {
			return nil, fmt.Errorf("parse direct database url: %w", err)
		}
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	cfg.ConnConfig.Tracer = opts.Tracer
	cfg.AfterConnect = func(_ context.Context, c *pgx.Conn) error {
		registerUUID(c.TypeMap())
		return nil
	}
	// A connection that comes back inside a transaction (a bug or a
	// cancelled query) could carry a tenant setting; never reuse it.
	cfg.AfterRelease = func(c *pgx.Conn) bool {
		return c.PgConn().TxStatus() == 'I'
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database pool: %w", err)
	}
	db := &DB{Pool: pool, direct: direct, acquireTimeout: opts.AcquireTimeout}
	// A login role that may not switch to AppRole fails here, not on the
	// first request.
	err = db.transactOnce(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "SELECT set_config('role', $1, true)", AppRole)
		return err
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", explainRoleError(err))
	}
	return db, nil
}

// explainRoleError turns "permission denied to set role" into a sentence
// that says what to do: the migrations create and grant the roles.
func explainRoleError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == pgerrcode.InsufficientPrivilege || pgErr.Code == pgerrcode.InvalidParameterValue) {
		return fmt.Errorf("%w (run 'marquee migrate up' first: it creates the %s role and grants it to the database user)", err, AppRole)
	}
	return err
}

// TraceWith gives every transaction from now on an OpenTelemetry span from
// tp, a child of its request's (OTEL_EXPORTER_OTLP_ENDPOINT). Call it
// before serving.
func (db *DB) TraceWith(tp trace.TracerProvider) { db.spans = tp.Tracer("marquee/db") }

// Close closes the pool.
func (db *DB) Close() { db.Pool.Close() }

// Ready reports whether the database answers.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.Pool.Ping(ctx); err != nil {
		return marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", err)
	}
	return nil
}

// OpenPlatformPool connects to url with every connection switched to
// PlatformRole for its whole session: the pool of the job workers, which
// take jobs of every event from the queue (each job then works inside its
// own event's tenant transactions through a DB). River's leader election
// and LISTEN need sessions too, so url must reach Postgres directly
// (DATABASE_DIRECT_URL), never through a transaction pooler, where the
// session's role would reach other clients' transactions.
func OpenPlatformPool(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SET ROLE "+PlatformRole)
		return err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open worker pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", explainRoleError(err))
	}
	return pool, nil
}
