// Package certstore keeps certmagic's certificates, keys and locks in
// Postgres (tables certmagic_data and certmagic_locks), so that every
// replica serves the same certificates and a name is obtained once, not
// once per replica.
package certstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	mathrand "math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/caddyserver/certmagic"
	"github.com/jackc/pgx/v5"

	"marquee/db"
)

// Storage is a certmagic.Storage on Postgres. Give each replica one Storage
// on the shared database: the replicas then share certificates, and the
// locks exclude each other across replicas as well as within one.
type Storage struct {
	db     *db.DB
	holder string // names this Storage in certmagic_locks
	lease  time.Duration
	poll   time.Duration
	log    *slog.Logger

	mu   sync.Mutex
	held map[string]*renewal // locks this Storage holds, by name
}

var (
	_ certmagic.Storage   = (*Storage)(nil)
	_ certmagic.TryLocker = (*Storage)(nil)
)

// Defaults of the options.
const (
	// DefaultLease is how long a lock outlives its last renewal: how long
	// the other replicas wait when its holder died.
	DefaultLease = 30 * time.Second
	// DefaultPollInterval is how often Lock asks again for a taken lock.
	DefaultPollInterval = 250 * time.Millisecond
)

// Option changes a default of New.
type Option func(*Storage)

// WithLease sets the lease of the locks (DefaultLease). A holder renews it
// every third of a lease; a shorter lease frees a dead holder's locks
// sooner at the cost of more renewals. Non-positive values are ignored.
func WithLease(d time.Duration) Option {
	return func(s *Storage) {
		if d > 0 {
			s.lease = d
		}
	}
}

// WithPollInterval sets how often Lock retries a taken lock
// (DefaultPollInterval, with jitter). Non-positive values are ignored.
func WithPollInterval(d time.Duration) Option {
	return func(s *Storage) {
		if d > 0 {
			s.poll = d
		}
	}
}

// WithLogger sets where failed renewals and lost locks are reported
// (slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(s *Storage) {
		if l != nil {
			s.log = l
		}
	}
}

// New returns a Storage on d with a holder id of its own.
func New(d *db.DB, opts ...Option) *Storage {
	s := &Storage{
		db:     d,
		holder: newHolderID(),
		lease:  DefaultLease,
		poll:   DefaultPollInterval,
		log:    slog.Default(),
		held:   map[string]*renewal{},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// newHolderID is random, so that two Storages never share a lock, and
// starts with the host name, so that ops can tell which replica holds one.
func newHolderID() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return host + "/" + rand.Text()
}

// Store saves value at key, replacing any previous value.
func (s *Storage) Store(ctx context.Context, key string, value []byte) error {
	if value == nil {
		value = []byte{} // pgx sends nil as NULL; an empty file is not NULL
	}
	err := s.db.InPlatform(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO certmagic_data (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, modified = now()`,
			key, value)
		return err
	})
	if err != nil {
		return fmt.Errorf("certstore: store %s: %w", key, err)
	}
	return nil
}

// Load returns the value at key; an error wrapping fs.ErrNotExist when
// there is none.
func (s *Storage) Load(ctx context.Context, key string) ([]byte, error) {
	var value []byte
	err := s.db.InPlatform(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT value FROM certmagic_data WHERE key = $1", key).Scan(&value)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notExist("load", key)
	}
	if err != nil {
		return nil, fmt.Errorf("certstore: load %s: %w", key, err)
	}
	return value, nil
}

// Delete removes key and every key under it (key as a directory). A key
// that does not exist is no error, as with certmagic's FileStorage. The
// empty key (the root) is refused rather than taken to mean "delete every
// certificate".
func (s *Storage) Delete(ctx context.Context, key string) error {
	if key == "" {
		return errors.New("certstore: refusing to delete the root (every key)")
	}
	err := s.db.InPlatform(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx,
			"DELETE FROM certmagic_data WHERE key = $1 OR starts_with(key, $2)",
			key, under(key))
		return err
	})
	if err != nil {
		return fmt.Errorf("certstore: delete %s: %w", key, err)
	}
	return nil
}

// Exists reports whether key is a file or a directory (a prefix of a
// file). A failed query reports false, as certmagic's interface asks.
func (s *Storage) Exists(ctx context.Context, key string) bool {
	var found bool
	err := s.db.InPlatform(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx,
			"SELECT EXISTS (SELECT FROM certmagic_data WHERE key = $1 OR starts_with(key, $2))",
			key, under(key)).Scan(&found)
	})
	return err == nil && found
}

// List returns the keys under prefix as a directory walk would, like
// certmagic's FileStorage: the entries one level below prefix (files and
// directories), or with recursive every file and directory below it. A
// prefix with nothing under it and no value of its own gives an error
// wrapping fs.ErrNotExist; a file gives an empty list.
func (s *Storage) List(ctx context.Context, prefix string, recursive bool) ([]string, error) {
	var keys []string
	err := s.db.InPlatform(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx,
			"SELECT key FROM certmagic_data WHERE key = $1 OR starts_with(key, $2) ORDER BY key",
			prefix, under(prefix))
		var err error
		keys, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("certstore: list %s: %w", prefix, err)
	}
	if len(keys) == 0 {
		return nil, notExist("list", prefix)
	}
	return listing(prefix, keys, recursive), nil
}

// listing turns the keys found under prefix into directory entries: every
// path between prefix and a key with recursive, the first one without.
func listing(prefix string, keys []string, recursive bool) []string {
	base := under(prefix)
	seen := map[string]bool{}
	var entries []string
	for _, key := range keys {
		if key == prefix {
			continue // the prefix is itself a file: not below itself
		}
		parts := strings.Split(strings.TrimPrefix(key, base), "/")
		depth := len(parts)
		if !recursive {
			depth = 1
		}
		for i := 1; i <= depth; i++ {
			entry := base + strings.Join(parts[:i], "/")
			if !seen[entry] {
				seen[entry] = true
				entries = append(entries, entry)
			}
		}
	}
	slices.Sort(entries)
	return entries
}

// Stat describes key: a file with its size and time of last change, or a
// directory (IsTerminal false) with the latest change of a key under it.
// A key that is neither gives an error wrapping fs.ErrNotExist.
func (s *Storage) Stat(ctx context.Context, key string) (certmagic.KeyInfo, error) {
	info := certmagic.KeyInfo{Key: key}
	err := s.db.InPlatform(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			(SELECT octet_length(value)::bigint, modified, true FROM certmagic_data WHERE key = $1)
			UNION ALL
			(SELECT 0, max(modified), false FROM certmagic_data WHERE starts_with(key, $2) HAVING count(*) > 0)
			ORDER BY 3 DESC LIMIT 1`,
			key, under(key)).Scan(&info.Size, &info.Modified, &info.IsTerminal)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return certmagic.KeyInfo{}, notExist("stat", key)
	}
	if err != nil {
		return certmagic.KeyInfo{}, fmt.Errorf("certstore: stat %s: %w", key, err)
	}
	return info, nil
}

// under returns what the keys below key start with: key and a slash, or
// nothing for the root.
func under(key string) string {
	if key == "" {
		return ""
	}
	return key + "/"
}

// notExist is certmagic's "no such key": it wraps fs.ErrNotExist.
func notExist(op, key string) error {
	return &fs.PathError{Op: "certstore " + op, Path: key, Err: fs.ErrNotExist}
}

// Locks are rows with a lease rather than Postgres advisory locks. An
// advisory lock belongs to a session: holding one through an issuance
// (seconds to minutes, an ACME exchange in between) would pin a pooled
// connection per name being issued, and a lock taken in one of InPlatform's
// transactions is gone when it commits. A row survives connection churn,
// shows ops who holds what (SELECT * FROM certmagic_locks), and frees
// itself when its holder stops renewing it: a crashed replica blocks the
// others for one lease at most.
//
// Every lease is set and compared on the database's clock (now()), never
// a replica's: replicas' clocks drift apart, and one running ahead would
// take over live locks, one running behind would keep dead ones. With one
// clock, the only timing that matters is that the holder renews well
// within its lease, which renewing every third of it leaves room for.
const (
	// acquireLock takes name if nobody holds it or its lease has passed,
	// and returns a row only if it did.
	acquireLock = `
		INSERT INTO certmagic_locks AS l (name, holder, expires_at)
		VALUES ($1, $2, now() + $3::bigint * interval '1 millisecond')
		ON CONFLICT (name) DO UPDATE
			SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE l.expires_at < now()
		RETURNING true`
	// extendLock renews the lease of a lock the holder still has.
	extendLock = `
		UPDATE certmagic_locks SET expires_at = now() + $3::bigint * interval '1 millisecond'
		WHERE name = $1 AND holder = $2`
	releaseLock = "DELETE FROM certmagic_locks WHERE name = $1 AND holder = $2"
)

// Lock blocks until this Storage holds the lock for name, polling while
// another holder has it, or until ctx is done.
func (s *Storage) Lock(ctx context.Context, name string) error {
	for {
		won, err := s.TryLock(ctx, name)
		if err != nil || won {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("certstore: lock %s: %w", name, ctx.Err())
		case <-time.After(s.pollDelay()):
		}
	}
}

// TryLock takes the lock for name if it is free or its lease has passed,
// and reports whether it did. A lock taken is renewed until Unlock.
func (s *Storage) TryLock(ctx context.Context, name string) (bool, error) {
	var won bool
	err := s.db.InPlatform(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, acquireLock, name, s.holder, s.lease.Milliseconds()).Scan(&won)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // held by someone else, and their lease runs
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("certstore: lock %s: %w", name, err)
	}
	if won {
		s.startRenewal(name)
	}
	return won, nil
}

// Unlock releases name if this Storage holds it. It returns an error, and
// releases nothing, when another holder has the lock: this Storage never
// had it, or lost it after failing to renew for a whole lease.
func (s *Storage) Unlock(ctx context.Context, name string) error {
	// Renewal stops first: should the delete fail, the lease still ends
	// the lock, where a renewal left running would keep it forever.
	s.stopRenewal(name)
	var released int64
	err := s.db.InPlatform(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, releaseLock, name, s.holder)
		released = tag.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("certstore: unlock %s: %w", name, err)
	}
	if released == 0 {
		return fmt.Errorf("certstore: unlock %s: not held by %s", name, s.holder)
	}
	return nil
}

// pollDelay spreads the retries of replicas waiting for the same lock, so
// they do not ask in lockstep: between half and one and a half intervals.
func (s *Storage) pollDelay() time.Duration {
	return s.poll/2 + mathrand.N(s.poll)
}

// renewal is the goroutine that keeps one held lock's lease running.
type renewal struct {
	stop context.CancelFunc
	done chan struct{}
}

func (s *Storage) startRenewal(name string) {
	ctx, stop := context.WithCancel(context.Background())
	r := &renewal{stop: stop, done: make(chan struct{})}
	s.mu.Lock()
	previous := s.held[name]
	s.held[name] = r
	s.mu.Unlock()
	if previous != nil {
		// This Storage took over its own expired lease: one renewal is enough.
		previous.halt()
	}
	go s.renew(ctx, name, r.done)
}

// stopRenewal stops renewing name and waits until no renewal is running,
// leaving the row to expire. Unlock calls it; on its own it is what a
// crashed holder looks like to the other replicas.
func (s *Storage) stopRenewal(name string) {
	s.mu.Lock()
	r := s.held[name]
	delete(s.held, name)
	s.mu.Unlock()
	if r != nil {
		r.halt()
	}
}

func (r *renewal) halt() {
	r.stop()
	<-r.done
}

// renew extends the lease of name every third of a lease until ctx is
// done. A failed renewal is retried at the next tick: two more chances
// before the lease ends. A lock found in another holder's hands is
// reported and no longer renewed.
func (s *Storage) renew(ctx context.Context, name string, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(s.lease / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		held, err := s.extend(ctx, name)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.log.Warn("certstore: could not renew lock; retrying", "lock", name, "err", err)
		case !held:
			s.log.Error("certstore: lock lost: its lease ended before a renewal and another holder took it", "lock", name, "holder", s.holder)
			return
		}
	}
}

// extend renews the lease of name and reports whether this Storage still
// holds it. It gives up after a third of a lease, in time for the next try.
func (s *Storage) extend(ctx context.Context, name string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.lease/3)
	defer cancel()
	var extended int64
	err := s.db.InPlatform(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, extendLock, name, s.holder, s.lease.Milliseconds())
		extended = tag.RowsAffected()
		return err
	})
	return extended == 1, err
}
