package main

import (
	"errors"
	"flag"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A subcommand in a group's help: two spaces, its lowercase name, two
// spaces or more, its summary. Flag lines ("  -name …") and serve's
// variables ("  DATABASE_URL …") do not match.
var subcommandLine = regexp.MustCompile(`(?m)^  ([a-z]+)  +\S`)

// A flag in PrintDefaults' list: "  -name type", then its usage on the
// next line.
var flagLine = regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*).*\n\s+(.*)$`)

// help runs `marquee ARGS --help` and checks what every --help owes its
// reader: exit status 0 and one usage, once.
func help(t *testing.T, args ...string) string {
	t.Helper()
	out, err := cli(t, nil, append(args, "--help")...)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		t.Errorf("marquee %s --help: %v (exit %d), want the usage and exit 0", strings.Join(args, " "), err, exitCode(err))
	}
	if n := strings.Count(out, "Usage: marquee"); n != 1 {
		t.Errorf("marquee %s --help printed its usage %d times, want once", strings.Join(args, " "), n)
	}
	return out
}

// TestEveryCommandHelp walks the commands the top-level help lists and the
// subcommands each group's help lists, so a new one is checked without
// being named here.
func TestEveryCommandHelp(t *testing.T) {
	top := help(t)
	for _, m := range subcommandLine.FindAllStringSubmatch(top, -1) {
		name := m[1]
		t.Run(name, func(t *testing.T) {
			out := help(t, name)
			subs := subcommandNames(out)
			if len(subs) == 0 {
				t.Run("its usage line names every flag it accepts", func(t *testing.T) { wantFlagsInUsage(t, out) })
				return
			}
			line := topLevelLine(top, name)
			for _, sub := range subs {
				t.Run("the top-level help lists "+sub, func(t *testing.T) {
					if !regexp.MustCompile(`\b` + sub + `\b`).MatchString(line) {
						t.Errorf("marquee --help says %q, which does not list %s", line, sub)
					}
				})
				t.Run(sub+" --help prints its usage once, naming every flag", func(t *testing.T) {
					wantFlagsInUsage(t, help(t, name, sub))
				})
			}
		})
	}
}

// subcommandNames lists the subcommands a group's help names, once each.
func subcommandNames(help string) []string {
	var out []string
	for _, m := range subcommandLine.FindAllStringSubmatch(help, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// wantFlagsInUsage checks that the usage line (the first) names every flag
// the flag set lists below it, but for deprecated aliases.
func wantFlagsInUsage(t *testing.T, out string) {
	t.Helper()
	usage, _, _ := strings.Cut(out, "\n")
	for _, f := range flagLine.FindAllStringSubmatch(out, -1) {
		if strings.HasPrefix(f[2], "deprecated") {
			continue
		}
		if !strings.Contains(usage, "--"+f[1]+" ") && !strings.Contains(usage, "--"+f[1]+"]") && !strings.HasSuffix(usage, "--"+f[1]) {
			t.Errorf("the usage %q does not mention --%s, which the command accepts", usage, f[1])
		}
	}
}

// topLevelLine is the line of marquee --help about one command.
func topLevelLine(top, name string) string {
	for _, l := range strings.Split(top, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), name+" ") {
			return l
		}
	}
	return ""
}
