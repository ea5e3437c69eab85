package serving

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strconv"
	"syscall"
	"time"
)

// madvCollapse is MADV_COLLAPSE (Linux 6.1): back a range with huge pages
// now, whatever the system's transparent huge page setting says.
const madvCollapse = 25

// hugeMin is the smallest mapping worth advising: one huge page.
const hugeMin = 2 << 20

// HugePages asks the kernel to back the process's large anonymous
// mappings, which hold the Go heap, with transparent huge pages (2 MB),
// and collapses what they already hold into them; it returns how many
// mappings it advised for the first time. Go's runtime leaves its heap to
// the system's setting, and most distributions (Debian included) ship
// "madvise": only memory that asks gets huge pages. A replica that keeps
// thousands of events reads a few objects of one of them per page view,
// each on a different 4 KB page, and on a virtual machine every page
// walk is nested: with the heap on huge pages the same view misses the
// TLB far less (docs/benchmarks.md, goal 5 of issue 14). seen remembers
// the ranges already advised, so that only new ones are collapsed.
func HugePages(seen *Advised) (int, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var ranges [][2]uintptr
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if start, end, ok := anonymousRW(sc.Bytes()); ok {
			// Huge pages cover whole 2 MB-aligned ranges inside the mapping.
			start, end = (start+hugeMin-1)&^(hugeMin-1), end&^(hugeMin-1)
			if end > start && !seen.covers(start, end) {
				ranges = append(ranges, [2]uintptr{start, end})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	advised := 0
	for _, r := range ranges {
		start, end := r[0], r[1]
		if err := madvise(start, end-start, syscall.MADV_HUGEPAGE); err != nil {
			return advised, err
		}
		// Best effort: a range with pages the kernel cannot move, or no
		// free huge page, stays as it is and still gets huge pages where
		// it grows.
		_ = madvise(start, end-start, madvCollapse)
		seen.ranges = append(seen.ranges, r)
		advised++
	}
	return advised, nil
}

// Advised is what HugePages advised: mappings the kernel splits or
// shrinks later stay inside these ranges and are not advised again. Its
// zero value is ready.
type Advised struct{ ranges [][2]uintptr }

func (a *Advised) covers(start, end uintptr) bool {
	for _, r := range a.ranges {
		if r[0] <= start && end <= r[1] {
			return true
		}
	}
	return false
}

// anonymousRW parses a line of /proc/self/maps and reports whether it is
// a private read-write mapping of no file (the heap's kind).
func anonymousRW(line []byte) (start, end uintptr, ok bool) {
	fields := bytes.Fields(line)
	if len(fields) < 5 || string(fields[1]) != "rw-p" || string(fields[4]) != "0" || len(fields) > 5 {
		return 0, 0, false
	}
	addrs := bytes.SplitN(fields[0], []byte("-"), 2)
	if len(addrs) != 2 {
		return 0, 0, false
	}
	s, err1 := strconv.ParseUint(string(addrs[0]), 16, 64)
	e, err2 := strconv.ParseUint(string(addrs[1]), 16, 64)
	if err1 != nil || err2 != nil || e <= s {
		return 0, 0, false
	}
	return uintptr(s), uintptr(e), true
}

func madvise(addr, n uintptr, advice int) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, n, uintptr(advice)); errno != 0 {
		return errno
	}
	return nil
}

// KeepHugePages advises the heap at once and then every interval until
// ctx ends, so that the mappings the heap grows into get huge pages too;
// it stops at the first error (a kernel without transparent huge pages),
// which it returns.
func KeepHugePages(ctx context.Context, interval time.Duration) error {
	var seen Advised
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := HugePages(&seen); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
