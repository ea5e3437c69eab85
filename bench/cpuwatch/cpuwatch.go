// Package cpuwatch tells a benchmark whether the machine was quiet during
// a measured run: the CPU that processes other than the benchmark's own
// (itself and everything it started: marquee, Postgres, pgbench) used,
// from /proc, as bench/landing.sh's cpu_sample does in shell.
package cpuwatch

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, 100 on every Linux Go runs on.
const clockTicks = 100

// Sample is the machine's busy CPU ticks and those of this process tree.
type Sample struct {
	at         time.Time
	busy, ours float64
	byCommand  map[string]float64 // this process tree's ticks by command name
}

// Take samples /proc now. On a system without /proc it returns a zero
// Sample, and Report says nothing.
func Take() Sample {
	s := Sample{at: time.Now()}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
		for _, i := range []int{1, 2, 3, 6, 7} { // user nice system irq softirq
			if i < len(f) {
				v, _ := strconv.ParseFloat(f[i], 64)
				s.busy += v
			}
		}
	}
	parent, ticks, command := map[int]int{}, map[int]float64{}, map[int]string{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(d))
		b, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		// Fields after the command (which may hold spaces) in parentheses.
		end := strings.LastIndexByte(string(b), ')')
		rest := strings.Fields(string(b[end+1:]))
		if len(rest) < 15 {
			continue
		}
		if start := strings.IndexByte(string(b), '('); start >= 0 && start < end {
			command[pid] = string(b[start+1 : end])
		}
		parent[pid], _ = strconv.Atoi(rest[1])
		for _, i := range []int{11, 12, 13, 14} { // utime stime cutime cstime
			v, _ := strconv.ParseFloat(rest[i], 64)
			ticks[pid] += v
		}
	}
	self := os.Getpid()
	s.byCommand = map[string]float64{}
	for pid, t := range ticks {
		for p, n := pid, 0; p > 1 && n < 64; p, n = parent[p], n+1 {
			if p == self {
				s.ours += t
				s.byCommand[command[pid]] += t
				break
			}
		}
	}
	return s
}

// Ours is how many cores this process tree (the benchmark, its servers
// and Postgres) used on average between a and b.
func Ours(a, b Sample) float64 {
	secs := b.at.Sub(a.at).Seconds()
	if secs <= 0 {
		return 0
	}
	return (b.ours - a.ours) / clockTicks / secs
}

// Breakdown is the CPU this process tree used between a and b by command
// ("marquee 3.1 s, postgres 4.0 s, burst 1.2 s"), largest first: where a
// run's time went, since load generator, server and database share the
// cores. Postgres's exited backends count in the postmaster's.
func Breakdown(a, b Sample) string {
	return byCommand(a, b, func(ticks float64) string { return fmt.Sprintf("%.1f s", ticks/clockTicks) })
}

// PerUnit is Breakdown divided by n units of work ("marquee 412 µs,
// postgres 980 µs"): what one order cost each process, which holds when
// other processes share the machine, unlike a rate.
func PerUnit(a, b Sample, n int64) string {
	if n <= 0 {
		return ""
	}
	return byCommand(a, b, func(ticks float64) string { return fmt.Sprintf("%.0f µs", ticks/clockTicks*1e6/float64(n)) })
}

// byCommand lists the commands of this process tree that used CPU between
// a and b, largest first, each with its ticks as format writes them.
func byCommand(a, b Sample, format func(ticks float64) string) string {
	type use struct {
		command string
		ticks   float64
	}
	var uses []use
	for command, t := range b.byCommand {
		if d := t - a.byCommand[command]; d > 0 {
			uses = append(uses, use{command, d})
		}
	}
	slices.SortFunc(uses, func(x, y use) int { return cmp.Compare(y.ticks, x.ticks) })
	parts := make([]string, 0, len(uses))
	for _, u := range uses {
		parts = append(parts, u.command+" "+format(u.ticks))
	}
	return strings.Join(parts, ", ")
}

// Others is how many cores other processes used on average between a and
// b.
func Others(a, b Sample) float64 {
	secs := b.at.Sub(a.at).Seconds()
	if secs <= 0 || a.busy == 0 {
		return 0
	}
	return max(0, (b.busy-a.busy)-(b.ours-a.ours)) / clockTicks / secs
}

// Report prints a warning when other processes used more than 0.15 cores
// during the run between a and b, and returns whether it did.
func Report(name string, a, b Sample) bool {
	o := Others(a, b)
	if o <= 0.15 {
		return false
	}
	fmt.Printf("WARNING: other processes used %.2f cores during %s: the machine was not quiet, rerun\n", o, name)
	return true
}
