// Package browsertest is what the browser tests share: it starts Debian's
// Chromium under chromedp with the flags every browser test uses, and
// checks the page a tab shows: axe-core's accessibility rules (vendored in
// axe/, see its README), horizontal overflow, and whether an element is
// in the first viewport, unscrolled.
//
// It is test tooling, imported only by _test.go files.
package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"marquee/tenant/web/webtest"
)

// AxeVersion is the version of the vendored axe-core.
const AxeVersion = "4.14.1"

//go:embed axe/axe.min.js
var axeSource string

// Exe is the Chromium to drive: CHROMIUM_PATH, else Debian's. A missing
// browser fails the test, unless SKIP_BROWSER_TESTS=1 says to skip.
func Exe(t testing.TB) string {
	t.Helper()
	path := os.Getenv("CHROMIUM_PATH")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		msg := "no Chromium at " + path + " (" + err.Error() + "): install Debian's chromium " +
			"(apt-get install chromium) or set CHROMIUM_PATH"
		if os.Getenv("SKIP_BROWSER_TESTS") == "1" {
			t.Skip(msg + "; skipped because SKIP_BROWSER_TESTS=1")
		}
		t.Fatal(msg + "; set SKIP_BROWSER_TESTS=1 to skip the browser tests")
	}
	return path
}

// Options say how to start Chromium.
type Options struct {
	Lang, AcceptLang string        // the browser's language, e.g. "de-DE" and "de-DE,de"
	HostRules        string        // Chromium's host-resolver-rules, e.g. "MAP *.shop.test 127.0.0.1"
	Within           time.Duration // everything stops after this long
	// Flags are more of Chromium's command-line flags, by name without
	// the dashes: true for a switch, a string for a value (the desk's
	// test feeds the camera from a file).
	Flags map[string]any
}

// Start prepares Chromium (headless, no sandbox, no background networking)
// and returns the allocator context to open tabs in (see Tab). The browser
// stops after o.Within or when the test ends; if the test failed, its
// output is logged.
func Start(t testing.TB, exe string, o Options) context.Context {
	t.Helper()
	// Chromium's profile, and its temporary files: the sockets of its
	// process singleton, which it leaves behind when stopped, and its shared
	// memory (disable-dev-shm-usage).
	dir := t.TempDir()
	profile, tmp := dir+"/profile", dir+"/tmp"
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	var output syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), o.Within)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
		chromedp.Env("TMPDIR=" + tmp),
		chromedp.CombinedOutput(&output),
	}
	for flag, value := range map[string]string{"host-resolver-rules": o.HostRules, "lang": o.Lang, "accept-lang": o.AcceptLang} {
		if value != "" {
			opts = append(opts, chromedp.Flag(flag, value))
		}
	}
	for flag, value := range o.Flags {
		opts = append(opts, chromedp.Flag(flag, value))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(func() {
		cancelAlloc() // waits for the browser process
		cancel()
		if t.Failed() {
			t.Logf("Chromium's output (without its D-Bus complaints):\n%s", output.withoutDBus())
		}
		// Chromium's child processes can write to the profile for a moment
		// after the browser has stopped; empty it before TempDir removes it.
		for range 50 {
			if os.RemoveAll(profile) == nil && os.RemoveAll(tmp) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return allocCtx
}

// Tab opens a tab: in a new browser when parent is Start's context, beside
// parent when parent is a tab. It is closed when the test ends, before the
// browser stops.
func Tab(t testing.TB, parent context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent)
	t.Cleanup(cancel)
	// Start it now, so that a broken installation fails here; a tab
	// derived from one not yet started would start a browser of its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium's tab: %v", err)
	}
	return ctx
}

// syncBuffer collects Chromium's output, written from another goroutine.
type syncBuffer struct{ webtest.Log }

// withoutDBus is the output without the lines about D-Bus, which a
// container lacks and Chromium complains about at length.
func (b *syncBuffer) withoutDBus() string {
	var out strings.Builder
	for line := range strings.Lines(b.String()) {
		if !strings.Contains(line, "dbus") {
			out.WriteString(line)
		}
	}
	return out.String()
}

// Viewport sizes the tab's window to width x height CSS pixels (a desktop
// window: no mobile emulation, so innerWidth is width exactly). The page
// lays itself out again; nothing reloads.
func Viewport(ctx context.Context, width, height int) error {
	return chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height)))
}

// Scripts turns the scripts of the pages the tab opens on or off, as a
// visitor who has them off sees the site. Turn them on again before the
// checks, which need them: the page loaded without them stays so.
func Scripts(ctx context.Context, on bool) error {
	return chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	}))
}

// Violation is one axe rule the page breaks, with the nodes that break it.
type Violation struct {
	ID, Impact, Help, HelpURL string
	Nodes                     []struct {
		Target         []any // CSS selectors, one per frame
		FailureSummary string
	}
}

func (v Violation) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s (%s): %s <%s>", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&s, "\n\t\t%v: %s", n.Target, strings.ReplaceAll(n.FailureSummary, "\n", " "))
	}
	return s.String()
}

// Axe runs axe-core's rules (all but the experimental ones, and but the
// rules named in without) on the page the tab shows and returns what it
// breaks. It loads axe into the page first if the page has none yet.
func Axe(ctx context.Context, without ...string) ([]Violation, error) {
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void]("if (!window.axe) {"+axeSource+"\n}")); err != nil {
		return nil, fmt.Errorf("load axe: %w", err)
	}
	rules := map[string]map[string]bool{}
	for _, id := range without {
		rules[id] = map[string]bool{"enabled": false}
	}
	opts, _ := json.Marshal(map[string]any{"resultTypes": []string{"violations"}, "rules": rules})
	res, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, `+string(opts)+`).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe: %w", err)
	}
	var out []Violation
	if err := json.Unmarshal([]byte(res), &out); err != nil {
		return nil, fmt.Errorf("axe's answer %.200s: %w", res, err)
	}
	return out, nil
}

// CheckAxe fails the test with each violation of axe's rules (but those
// named in without) on the page the tab shows, naming the page as page.
func CheckAxe(t testing.TB, ctx context.Context, page string, without ...string) {
	t.Helper()
	vs, err := Axe(ctx, without...)
	if err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	for _, v := range vs {
		t.Errorf("%s: axe: %s", page, v)
	}
}

// Overflow is how far the page is wider than the window, in CSS pixels (0:
// it fits, document.documentElement.scrollWidth <= innerWidth), and the
// outermost elements that stick out on the right (up to five, as
// tag#id.class).
func Overflow(ctx context.Context) (int, []string, error) {
	type answer struct {
		Over     int
		Culprits []string
	}
	a, err := chromedp.Run(ctx, chromedp.Evaluate[answer](`(() => {
		const w = window.innerWidth, over = document.documentElement.scrollWidth - w;
		const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].map(c => '.' + c).join('');
		const out = e => e.getBoundingClientRect().right > w + 0.5;
		const culprits = over <= 0 ? [] : [...document.body.querySelectorAll('*')]
			.filter(e => out(e) && !(e.parentElement && e.parentElement !== document.body && out(e.parentElement)))
			.slice(0, 5).map(name);
		return {over: Math.max(over, 0), culprits};
	})()`))
	return a.Over, a.Culprits, err
}

// CheckOverflow fails the test if the page the tab shows is wider than the
// window, naming the page as page and the elements that stick out.
func CheckOverflow(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	over, culprits, err := Overflow(ctx)
	if err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	if over > 0 {
		t.Errorf("%s: the page is %d px wider than the window (scrollWidth > innerWidth); sticking out: %v", page, over, culprits)
	}
}

// InFirstViewport reports whether the first element sel selects is
// visible, whole, in the window without scrolling (the page is scrolled to
// the top first). An element that is not there is an error.
func InFirstViewport(ctx context.Context, sel string) (bool, error) {
	quoted, _ := json.Marshal(sel)
	return chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const e = document.querySelector(`+string(quoted)+`);
		if (!e) throw new Error('nothing matches ' + `+string(quoted)+`);
		window.scrollTo(0, 0);
		const r = e.getBoundingClientRect(), s = getComputedStyle(e);
		return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' &&
			r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
	})()`))
}
