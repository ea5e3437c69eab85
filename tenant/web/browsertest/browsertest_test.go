package browsertest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pages are two small pages: one that passes every check, one that fails
// each of them.
var pages = map[string]string{
	"/good": `<!doctype html><html lang="en"><head><title>Good</title></head><body><main>
		<h1>Good</h1><button id="top">Order</button><p style="height:2000px">Tall.</p><button id="below">Again</button></main>
		<script>document.documentElement.dataset.js = 'ran'</script></body></html>`,
	"/bad": `<!doctype html><html lang="en"><head><title>Bad</title></head><body style="margin:0"><main>
		<h1>Bad</h1><img src="/x.png"><div class="wide" style="width:900px">Wide</div></main></body></html>`,
}

func TestChecksInChromium(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(pages[r.URL.Path]))
	}))
	defer srv.Close()
	tab := Tab(t, Start(t, Exe(t), Options{Lang: "en-US", Within: 60 * time.Second}))
	open := func(path string) {
		t.Helper()
		if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+path)); err != nil {
			t.Fatal(err)
		}
	}
	if err := Viewport(tab, 390, 844); err != nil {
		t.Fatal(err)
	}

	open("/good")
	if vs, err := Axe(tab); err != nil || len(vs) != 0 {
		t.Errorf("the good page: axe %v %v, want no violations", vs, err)
	}
	if over, culprits, err := Overflow(tab); err != nil || over != 0 {
		t.Errorf("the good page: %d px too wide (%v) %v, want 0", over, culprits, err)
	}
	for sel, want := range map[string]bool{"#top": true, "#below": false} {
		if in, err := InFirstViewport(tab, sel); err != nil || in != want {
			t.Errorf("%s in the first viewport: %v %v, want %v", sel, in, err, want)
		}
	}
	js := func() string {
		v, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.documentElement.dataset.js ?? 'not run'`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := js(); got != "ran" {
		t.Errorf("the page's script: %s, want ran", got)
	}
	if err := Scripts(tab, false); err != nil {
		t.Fatal(err)
	}
	open("/good")
	if got := js(); got != "not run" {
		t.Errorf("the page's script with scripts off: %s, want not run", got)
	}
	if err := Scripts(tab, true); err != nil {
		t.Fatal(err)
	}
	if _, err := InFirstViewport(tab, "#missing"); err == nil || !strings.Contains(err.Error(), "nothing matches #missing") {
		t.Errorf("a missing element: %v, want an error naming it", err)
	}

	open("/bad")
	vs, err := Axe(tab)
	if err != nil || len(vs) != 1 || vs[0].ID != "image-alt" || vs[0].Impact != "critical" ||
		len(vs[0].Nodes) != 1 || !strings.Contains(vs[0].String(), "[img]") {
		t.Errorf("the bad page: axe %v %v, want image-alt on its img", vs, err)
	}
	if vs, err := Axe(tab, "image-alt"); err != nil || len(vs) != 0 {
		t.Errorf("the bad page without the rule image-alt: axe %v %v, want no violations", vs, err)
	}
	if over, culprits, err := Overflow(tab); err != nil || over != 900-390 || strings.Join(culprits, " ") != "div.wide" {
		t.Errorf("the bad page: %d px too wide (%v) %v, want 510 (div.wide)", over, culprits, err)
	}
	if err := Viewport(tab, 1366, 900); err != nil {
		t.Fatal(err)
	}
	if over, _, err := Overflow(tab); err != nil || over != 0 {
		t.Errorf("the bad page at 1366 px: %d px too wide %v, want 0", over, err)
	}
}
