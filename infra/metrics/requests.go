package metrics

import (
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// Requests is the latency histogram of requests by app (storefront,
// console, api), route pattern and status class. Each route's observers
// are resolved when its app is indexed (Index), before serving: a request
// finds them by its route's pointer, and observes without a label lookup
// or an allocation.
type Requests struct {
	hist   *prometheus.HistogramVec
	routes atomic.Pointer[map[*fiber.Route]*routeObservers] // replaced whole by Index
	other  *routeObservers                                  // a route not indexed: never expected
	mu     sync.Mutex                                       // held by Index
}

// routeObservers are one route's histograms, by status class 1xx-5xx.
type routeObservers struct {
	classes [5]prometheus.Observer
	use     bool // a middleware's route: the request may have gone on to the console's app
}

// buckets reach down to the warm page's microseconds and up to a slow
// order's seconds.
var buckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

func newRequests() *Requests {
	r := &Requests{hist: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "marquee_http_request_duration_seconds",
		Help:    "Requests by app (storefront, console, api), route pattern and status class, and how long they took from the request read to the handler's return; _count counts them.",
		Buckets: buckets}, []string{"app", "route", "class"})}
	r.other = r.observers("storefront", "other", false)
	r.routes.Store(&map[*fiber.Route]*routeObservers{})
	return r
}

func (r *Requests) observers(app, route string, use bool) *routeObservers {
	o := &routeObservers{use: use}
	for i := range o.classes {
		o.classes[i] = r.hist.WithLabelValues(app, route, string(rune('1'+i))+"xx")
	}
	return o
}

// Index resolves the observers of every route app has now under the label
// app; the console's routes under /api are the api's. Call it once the
// app is assembled, before it serves.
func (r *Requests) Index(app string, a *fiber.App) {
	r.mu.Lock()
	defer r.mu.Unlock()
	next := maps.Clone(*r.routes.Load())
	defer r.routes.Store(&next)
	named := a.GetRoutes(true) // a copy of every route but the middlewares': made once, not per route
	for _, routes := range a.Stack() {
		for _, rt := range routes {
			if _, ok := next[rt]; ok {
				continue
			}
			name, label := app, rt.Method+" "+rt.Path
			if app == "console" && (rt.Path == "/api" || strings.HasPrefix(rt.Path, "/api/")) {
				name = "api"
			}
			use := routeIsUse(named, rt)
			if use {
				label = "middleware " + rt.Path // a refusal or answer before any route
			}
			next[rt] = r.observers(name, label, use)
		}
	}
}

// routeIsUse says whether rt is a middleware's (app.Use): Fiber keeps
// that unexported, and named, what GetRoutes(true) returns, leaves them
// out. (GetRoutes copies every route: called per route, it allocated
// about 40 MB while serve started, which stayed in its RSS.)
func routeIsUse(named []fiber.Route, rt *fiber.Route) bool {
	for _, x := range named {
		if x.Method == rt.Method && x.Path == rt.Path && len(x.Handlers) == len(rt.Handlers) && sameHandlers(x.Handlers, rt.Handlers) {
			return false
		}
	}
	return true
}

func sameHandlers(a, b []fiber.Handler) bool {
	for i := range a {
		if &a[i] != &b[i] {
			return false
		}
	}
	return true
}

// consoleRoute is the key under which the console's app leaves its route
// in the request's user values, for the main app's ObserveRequest.
type consoleRoute struct{}

// Mark is the first middleware of an app mounted inside another (the
// console's, by tenant/web.ForHost): it leaves the route that answered
// for the outer app's ObserveRequest.
func (r *Requests) Mark(c *fiber.Ctx) error {
	err := c.Next()
	c.Context().SetUserValue(consoleRoute{}, c.Route())
	return err
}

// ObserveRequest records a request that was answered with status after
// took (tenant/web.RequestObserver).
func (r *Requests) ObserveRequest(c *fiber.Ctx, status int, took time.Duration) {
	routes := *r.routes.Load()
	o := routes[c.Route()]
	if o == nil {
		o = r.other
	} else if o.use {
		if rt, ok := c.Context().UserValue(consoleRoute{}).(*fiber.Route); ok {
			if co := routes[rt]; co != nil {
				o = co
			}
		}
	}
	class := status/100 - 1
	if class < 0 || class > 4 {
		class = 4
	}
	o.classes[class].Observe(took.Seconds())
}
