package certstore

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"marquee/db"
	"marquee/db/dbtest"
)

func newDB(t *testing.T) *db.DB {
	t.Helper()
	return dbtest.New(t).Open(t, db.Options{})
}

// newStorage is one replica's Storage: its logs go to the test, and its
// renewals stop when the test ends, before the pool closes.
func newStorage(t *testing.T, d *db.DB, opts ...Option) *Storage {
	t.Helper()
	logger := WithLogger(slog.New(slog.NewTextHandler(t.Output(), nil)))
	s := New(d, append([]Option{logger}, opts...)...)
	t.Cleanup(func() {
		s.mu.Lock()
		names := slices.Collect(maps.Keys(s.held))
		s.mu.Unlock()
		for _, name := range names {
			s.stopRenewal(name)
		}
	})
	return s
}

// withKeys is a Storage holding key → value, stored in key order.
func withKeys(t *testing.T, d *db.DB, keys map[string]string) *Storage {
	t.Helper()
	s := newStorage(t, d)
	for _, key := range slices.Sorted(maps.Keys(keys)) {
		if err := s.Store(context.Background(), key, []byte(keys[key])); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// tree has files at several depths, and a sibling ("a/bc") whose name
// starts with another's ("a/b") without being under it.
var tree = map[string]string{
	"a/b/c":   "c",
	"a/b/d/e": "e",
	"a/bc":    "bc",
	"a/x":     "x",
}

func TestKeysReadLikeAFileTree(t *testing.T) {
	ctx := context.Background()
	d := newDB(t)
	s := withKeys(t, d, tree)

	t.Run("load returns what was stored, on any replica", func(t *testing.T) {
		for _, reader := range []*Storage{s, newStorage(t, d)} {
			got, err := reader.Load(ctx, "a/b/d/e")
			if err != nil || string(got) != "e" {
				t.Fatalf("Load(a/b/d/e) = %q, %v; want \"e\"", got, err)
			}
		}
	})

	t.Run("missing keys are fs.ErrNotExist", func(t *testing.T) {
		cases := map[string]func() error{
			"load of a missing key":     func() error { _, err := s.Load(ctx, "a/nope"); return err },
			"load of a directory":       func() error { _, err := s.Load(ctx, "a/b"); return err },
			"stat of a missing key":     func() error { _, err := s.Stat(ctx, "a/nope"); return err },
			"stat of a longer name":     func() error { _, err := s.Stat(ctx, "a/b/d/ee"); return err },
			"list of a missing prefix":  func() error { _, err := s.List(ctx, "a/nope", false); return err },
			"recursive list of missing": func() error { _, err := s.List(ctx, "nope", true); return err },
		}
		for name, call := range cases {
			if err := call(); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s: got %v, want fs.ErrNotExist", name, err)
			}
		}
	})

	t.Run("exists for files and directories, by whole path components", func(t *testing.T) {
		for key, want := range map[string]bool{
			"a/b/c": true, "a/b": true, "a/b/d": true, "a": true, "a/bc": true,
			"a/bx": false, "a/b/c/d": false, "b": false, "a/b/d/e/f": false,
		} {
			if got := s.Exists(ctx, key); got != want {
				t.Errorf("Exists(%q) = %v, want %v", key, got, want)
			}
		}
	})

	t.Run("list without recursion shows one level, like a directory", func(t *testing.T) {
		for prefix, want := range map[string][]string{
			"a/b": {"a/b/c", "a/b/d"},
			"a":   {"a/b", "a/bc", "a/x"},
			"":    {"a"},
			"a/x": nil, // a file has nothing under it
		} {
			got, err := s.List(ctx, prefix, false)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("List(%q, false) = %q, %v; want %q", prefix, got, err, want)
			}
		}
	})

	t.Run("list with recursion shows every file and directory below", func(t *testing.T) {
		got, err := s.List(ctx, "a/b", true)
		want := []string{"a/b/c", "a/b/d", "a/b/d/e"}
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("List(a/b, true) = %q, %v; want %q", got, err, want)
		}
	})

	t.Run("stat of a file gives its size and time", func(t *testing.T) {
		info, err := s.Stat(ctx, "a/bc")
		if err != nil {
			t.Fatal(err)
		}
		if info.Key != "a/bc" || info.Size != 2 || !info.IsTerminal || info.Modified.IsZero() {
			t.Fatalf("Stat(a/bc) = %+v, want key a/bc, size 2, terminal, a time", info)
		}
	})

	t.Run("stat of a directory is not terminal and has its newest key's time", func(t *testing.T) {
		info, err := s.Stat(ctx, "a/b")
		if err != nil {
			t.Fatal(err)
		}
		newest, err := s.Stat(ctx, "a/b/d/e") // stored after a/b/c
		if err != nil {
			t.Fatal(err)
		}
		if info.Key != "a/b" || info.IsTerminal || !info.Modified.Equal(newest.Modified) {
			t.Fatalf("Stat(a/b) = %+v, want key a/b, not terminal, modified %v", info, newest.Modified)
		}
	})
}

func TestStoreOverwritesValueSizeAndTime(t *testing.T) {
	ctx := context.Background()
	s := withKeys(t, newDB(t), map[string]string{"acme/user.json": "{}"})
	before, err := s.Stat(ctx, "acme/user.json")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // the database clock ticks in microseconds
	if err := s.Store(ctx, "acme/user.json", []byte(`{"id":7}`)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load(ctx, "acme/user.json")
	if err != nil || string(got) != `{"id":7}` {
		t.Fatalf("Load after overwrite = %q, %v", got, err)
	}
	after, err := s.Stat(ctx, "acme/user.json")
	if err != nil {
		t.Fatal(err)
	}
	if after.Size != 8 || !after.Modified.After(before.Modified) {
		t.Fatalf("Stat after overwrite = %+v, want size 8 and modified after %v", after, before.Modified)
	}
}

func TestStoreKeepsAnEmptyValue(t *testing.T) {
	ctx := context.Background()
	s := newStorage(t, newDB(t))
	if err := s.Store(ctx, "empty", nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load(ctx, "empty")
	if err != nil || len(got) != 0 {
		t.Fatalf("Load(empty) = %q, %v; want an empty value", got, err)
	}
}

func TestDelete(t *testing.T) {
	ctx := context.Background()

	t.Run("a file is gone afterwards", func(t *testing.T) {
		s := withKeys(t, newDB(t), tree)
		if err := s.Delete(ctx, "a/x"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Load(ctx, "a/x"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Load after Delete: %v, want fs.ErrNotExist", err)
		}
	})

	t.Run("a missing key is no error", func(t *testing.T) {
		s := withKeys(t, newDB(t), tree)
		if err := s.Delete(ctx, "a/nope"); err != nil {
			t.Fatalf("Delete of a missing key: %v, want nil as FileStorage", err)
		}
	})

	t.Run("a directory takes everything under it and nothing beside it", func(t *testing.T) {
		s := withKeys(t, newDB(t), tree)
		if err := s.Delete(ctx, "a/b"); err != nil {
			t.Fatal(err)
		}
		got, err := s.List(ctx, "a", true)
		want := []string{"a/bc", "a/x"}
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("after Delete(a/b), List(a, true) = %q, %v; want %q", got, err, want)
		}
	})

	t.Run("the root is refused", func(t *testing.T) {
		s := withKeys(t, newDB(t), tree)
		if err := s.Delete(ctx, ""); err == nil {
			t.Fatal("Delete(\"\") succeeded, want an error")
		}
		if !s.Exists(ctx, "a/x") {
			t.Fatal("Delete(\"\") removed keys")
		}
	})
}

func TestTheApplicationRoleCannotReadCertificates(t *testing.T) {
	ctx := context.Background()
	d := newDB(t)
	withKeys(t, d, map[string]string{"certificates/ca/x.test/x.test.key": "secret"})
	for _, table := range []string{"certmagic_data", "certmagic_locks"} {
		var n int
		err := dbtest.QueryRowAsApp(ctx, d, "SELECT count(*) FROM "+table, &n)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s read as %s: %d rows, err %v; want permission denied", table, db.AppRole, n, err)
		}
	}
}

// lockRow is a lock as the database sees it, with the database's clock.
type lockRow struct {
	holder    string
	expiresAt time.Time
	now       time.Time
}

func readLock(t *testing.T, d *db.DB, name string) lockRow {
	t.Helper()
	var l lockRow
	ctx := context.Background()
	err := d.InPlatform(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT holder, expires_at, clock_timestamp() FROM certmagic_locks WHERE name = $1", name).
			Scan(&l.holder, &l.expiresAt, &l.now)
	})
	if err != nil {
		t.Fatalf("read lock %s: %v", name, err)
	}
	return l
}

func TestLockExcludesOtherReplicas(t *testing.T) {
	const replicas = 20
	const name = "issue_cert_shop.example.org"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d := newDB(t)
	var inside atomic.Bool
	var overlaps, entered atomic.Int32
	errs := make(chan error, 2*replicas)
	var wg sync.WaitGroup
	for range replicas {
		// A lease far longer than the test: only Unlock may free the lock.
		s := newStorage(t, d, WithLease(time.Minute), WithPollInterval(10*time.Millisecond))
		wg.Go(func() {
			if err := s.Lock(ctx, name); err != nil {
				errs <- err
				return
			}
			if inside.Swap(true) {
				overlaps.Add(1)
			}
			time.Sleep(5 * time.Millisecond) // long enough for an intruder to show up
			entered.Add(1)
			inside.Store(false)
			if err := s.Unlock(ctx, name); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := overlaps.Load(); n != 0 {
		t.Errorf("%d replicas entered while another held the lock", n)
	}
	if n := entered.Load(); n != replicas {
		t.Errorf("%d of %d replicas got the lock", n, replicas)
	}
}

func TestLockIsRenewedWhileHeld(t *testing.T) {
	ctx := context.Background()
	const lease = time.Second
	const name = "issue_cert_slow.example"
	d := newDB(t)
	holder := newStorage(t, d, WithLease(lease))
	if err := holder.Lock(ctx, name); err != nil {
		t.Fatal(err)
	}
	first := readLock(t, d, name)
	time.Sleep(2*lease + lease/2) // an issuance that outlasts the lease

	other := newStorage(t, d, WithLease(lease))
	if won, err := other.TryLock(ctx, name); won || err != nil {
		t.Fatalf("another replica's TryLock after %v = %v, %v; want false: the holder renews its lease", 2*lease+lease/2, won, err)
	}
	if later := readLock(t, d, name); later.holder != holder.holder || !later.expiresAt.After(first.expiresAt) {
		t.Fatalf("lock is %+v, want held by %s with a lease later than %v", later, holder.holder, first.expiresAt)
	}
	if err := holder.Unlock(ctx, name); err != nil {
		t.Fatal(err)
	}
	if won, err := other.TryLock(ctx, name); !won || err != nil {
		t.Fatalf("TryLock after Unlock = %v, %v; want true", won, err)
	}
}

func TestLockOfADeadHolderIsTakenOverWhenItsLeaseEnds(t *testing.T) {
	const name = "issue_cert_crash.example"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d := newDB(t)
	dead := newStorage(t, d, WithLease(time.Second))
	if err := dead.Lock(ctx, name); err != nil {
		t.Fatal(err)
	}
	dead.stopRenewal(name) // the replica dies: no more renewals, no Unlock
	held := readLock(t, d, name)

	// The successor's lease is too long to renew during the test, so its
	// expires_at minus its lease is when it took the lock, by the database.
	const successorLease = time.Hour
	successor := newStorage(t, d, WithLease(successorLease), WithPollInterval(20*time.Millisecond))
	done := make(chan error, 1)
	go func() { done <- successor.Lock(ctx, name) }()

	time.Sleep(held.expiresAt.Sub(held.now) - 300*time.Millisecond)
	returned := false
	select {
	case err := <-done:
		returned = true
		if err != nil {
			t.Fatal(err)
		}
	default:
	}
	if shortlyBefore := readLock(t, d, name); shortlyBefore.now.Before(held.expiresAt) {
		if returned || shortlyBefore.holder != dead.holder {
			t.Fatalf("lock taken over %v before its lease ended (returned %v, holder %s)", held.expiresAt.Sub(shortlyBefore.now), returned, shortlyBefore.holder)
		}
	} else {
		t.Logf("this machine woke the test after the lease ended; checking by the database's times only")
	}

	if !returned {
		if err := <-done; err != nil {
			t.Fatalf("successor's Lock: %v, want the lock once the dead holder's lease ended", err)
		}
	}
	taken := readLock(t, d, name)
	takenAt := taken.expiresAt.Add(-successorLease)
	if taken.holder != successor.holder || !takenAt.After(held.expiresAt) {
		t.Fatalf("lock held by %s from %v; want %s, after the dead holder's lease ended at %v", taken.holder, takenAt, successor.holder, held.expiresAt)
	}
}

func TestUnlockByAnotherReplicaReleasesNothing(t *testing.T) {
	ctx := context.Background()
	const name = "issue_cert_mine.example"
	d := newDB(t)
	owner := newStorage(t, d)
	intruder := newStorage(t, d)
	if err := owner.Lock(ctx, name); err != nil {
		t.Fatal(err)
	}
	if err := intruder.Unlock(ctx, name); err == nil {
		t.Fatal("Unlock by a replica that does not hold the lock succeeded")
	}
	if l := readLock(t, d, name); l.holder != owner.holder {
		t.Fatalf("lock held by %s after the intruder's Unlock, want %s", l.holder, owner.holder)
	}
	if won, err := intruder.TryLock(ctx, name); won || err != nil {
		t.Fatalf("intruder's TryLock = %v, %v; want false", won, err)
	}
	if err := owner.Unlock(ctx, name); err != nil {
		t.Fatal(err)
	}
	if won, err := intruder.TryLock(ctx, name); !won || err != nil {
		t.Fatalf("TryLock after the owner's Unlock = %v, %v; want true", won, err)
	}
}

func TestLockGivesUpWhenTheContextEnds(t *testing.T) {
	ctx := context.Background()
	const name = "issue_cert_busy.example"
	d := newDB(t)
	if err := newStorage(t, d).Lock(ctx, name); err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	err := newStorage(t, d, WithPollInterval(20*time.Millisecond)).Lock(waitCtx, name)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock of a held name with a 300ms context: %v, want context.DeadlineExceeded", err)
	}
}
