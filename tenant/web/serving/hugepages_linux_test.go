package serving

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestHugePagesAdvisesTheHeap: after HugePages, the mapping that holds a
// large heap object carries the kernel's huge page flag ("hg" in smaps),
// a second call advises none of it again, and memory the heap grows into
// is advised by the next.
func TestHugePagesAdvisesTheHeap(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil {
		t.Skip("this kernel has no transparent huge pages:", err)
	}
	heap := make([]byte, 32<<20)
	for i := range heap {
		heap[i] = byte(i)
	}
	addr := uintptr(unsafe.Pointer(&heap[len(heap)/2]))
	var seen Advised
	n, err := HugePages(&seen)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("HugePages advised no mapping")
	}
	flags, huge := smapsOf(t, addr)
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Fatalf("the heap's mapping has VmFlags %q, want hg among them", flags)
	}
	t.Logf("the heap's mapping: VmFlags %s, AnonHugePages %d kB", flags, huge)
	// A second call advises nothing it advised before. It may advise a
	// mapping the runtime made in between (a busy machine's collector or
	// another goroutine's stack: CI saw one), but never the heap's again.
	first := len(seen.ranges)
	if _, err := HugePages(&seen); err != nil {
		t.Fatal(err)
	}
	for _, again := range seen.ranges[first:] {
		for _, before := range seen.ranges[:first] {
			if again[0] < before[1] && before[0] < again[1] {
				t.Fatalf("second call advised %#x-%#x again (the first advised %#x-%#x)", again[0], again[1], before[0], before[1])
			}
		}
	}
	// The heap grows into new mappings: the next call advises them (or
	// they were reused memory, advised already).
	grown := make([]byte, 256<<20)
	grown[0] = 1
	if _, err := HugePages(&seen); err != nil {
		t.Fatal(err)
	}
	if flags, _ := smapsOf(t, uintptr(unsafe.Pointer(&grown[len(grown)/2]))); !strings.Contains(" "+flags+" ", " hg ") {
		t.Fatalf("the grown heap's mapping has VmFlags %q, want hg among them", flags)
	}
	heap[0] = 1 // keep heap alive until here
}

// smapsOf returns the VmFlags and AnonHugePages (kB) of the mapping that
// holds addr.
func smapsOf(t *testing.T, addr uintptr) (string, int) {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	huge := 0
	for sc.Scan() {
		line := sc.Text()
		if start, end, ok := mapping(line); ok {
			in = start <= addr && addr < end
			continue
		}
		if !in {
			continue
		}
		if v, ok := strings.CutPrefix(line, "AnonHugePages:"); ok {
			huge, _ = strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
		if v, ok := strings.CutPrefix(line, "VmFlags:"); ok {
			return strings.TrimSpace(v), huge
		}
	}
	t.Fatalf("no mapping holds %#x", addr)
	return "", 0
}

// mapping parses the first line of an smaps entry ("start-end perms ...").
func mapping(line string) (uintptr, uintptr, bool) {
	addrs, _, ok := strings.Cut(line, " ")
	s, e, ok2 := strings.Cut(addrs, "-")
	if !ok || !ok2 {
		return 0, 0, false
	}
	start, err1 := strconv.ParseUint(s, 16, 64)
	end, err2 := strconv.ParseUint(e, 16, 64)
	return uintptr(start), uintptr(end), err1 == nil && err2 == nil
}

func TestAnonymousRWReadsOnlyPrivateWritableMappingsOfNoFile(t *testing.T) {
	for _, c := range []struct {
		line       string
		start, end uintptr
		ok         bool
	}{
		{"9eabd400000-9eac3c00000 rw-p 00000000 00:00 0 ", 0x9eabd400000, 0x9eac3c00000, true},
		{"7ffe364ea000-7ffe3650b000 rw-p 00000000 00:00 0                          [stack]", 0, 0, false},
		{"00590000-0059b000 rw-p 00190000 fe:00 10740461   /usr/bin/marquee", 0, 0, false},
		{"7fd0b7c00000-7fd0b9c00000 r--p 00000000 00:00 0 ", 0, 0, false},
		{"7fd0b7c00000-7fd0b9c00000 rw-s 00000000 00:01 12 /dev/zero (deleted)", 0, 0, false},
		{"garbage", 0, 0, false},
	} {
		start, end, ok := anonymousRW([]byte(c.line))
		if start != c.start || end != c.end || ok != c.ok {
			t.Errorf("anonymousRW(%q) = %#x, %#x, %v; want %#x, %#x, %v", c.line, start, end, ok, c.start, c.end, c.ok)
		}
	}
}
