package console

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/branding"
	"marquee/branding/media/diskstore"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/notify/jobs"
	storefrontweb "marquee/storefront/web"
	"marquee/tenant"
	"marquee/tenant/api"
	"marquee/tenant/domains/dnstest"
	"marquee/tenant/provision"
	"marquee/tenant/staff"
	tenantweb "marquee/tenant/web"
	"marquee/tenant/web/webtest"
	"marquee/themes"
)

// The console's handler tests run against testServer: the console as serve
// mounts it on console.shop.test (the provisioning API before its sign-in
// wall), the storefront on every other host, over real HTTP on loopback,
// against a fresh database, with images on disk and every cache kept in
// step by the database's change notifications; the email side is in
// mail_harness_test.go, the visitors' side (pages, cookies, forms) in
// client_test.go. What only serve adds (body limits, request logs,
// security headers, trusted proxies, TLS) is tested end to end in
// cmd/marquee.

const (
	testBase    = "shop.test"
	consoleHost = "console." + testBase
)

var (
	blue = branding.Colours{Primary: "#1d4ed8", Accent: "#f59e0b", Background: "#ffffff", Text: "#111827"}
	teal = branding.Colours{Primary: "#0f766e", Accent: "#f97316", Background: "#fffbeb", Text: "#1c1917"}
)

// testSecret signs sessions, CSRF tokens, preview and order links.
var testSecret = []byte(webtest.SecretKey)

// testServer is the console and the storefront on 127.0.0.1.
type testServer struct {
	t         *testing.T
	url       string // http://127.0.0.1:PORT
	db        *db.DB
	adminURL  string // a superuser's, past row-level security
	ownerURL  string // the platform's, as the workers connect
	mediaDir  string
	staff     *db.StaffStore
	provision *provision.Service
	themes    *themes.Set
	sites     *storefront.Sites
	resolver  *tenant.Resolver
	images    *diskstore.Store
	store     *storefrontweb.Handler
	log       *slog.Logger
	logs      *logBuffer // the log, JSON lines
	// Email (mail_harness_test.go): the job queue, what renders and
	// sends mail, and whether dev's inbox is on.
	jobs    *river.Client[pgx.Tx]
	workers *river.Client[pgx.Tx] // nil unless the test asked for workers
	mail    *jobs.Deps
	inboxOn bool
	// backups are the platform's backups, in a folder (backups_test.go);
	// nil turns them off.
	backups Backups
	// sso is the platform's OpenID provider (nil: none); passwordOff
	// turns password sign-in off (sso_test.go).
	sso         SingleSignOn
	passwordOff bool
}

// startServer serves the console and the storefront on a fresh database,
// with cheap password hashing; DNS checks of custom domains go to a port
// nothing answers.
func startServer(t *testing.T) *testServer {
	t.Helper()
	return startServerWithSMTP(t, "")
}

// startServerWithSMTP is startServer sending mail to smtpURL ("": to
// dev's inbox).
func startServerWithSMTP(t *testing.T, smtpURL string) *testServer {
	t.Helper()
	return start(t, smtpURL, 0)
}

// start serves the console and the storefront sending mail to smtpURL
// ("": dev's inbox), with workers working the email jobs (0: none).
func start(t *testing.T, smtpURL string, workers int) *testServer {
	t.Helper()
	return startWith(t, smtpURL, workers, func(*testServer) {})
}

// startWith is start with the server's settings changed by configure
// before it serves (sso_test.go: the platform's OpenID provider).
func startWith(t *testing.T, smtpURL string, workers int, configure func(*testServer)) *testServer {
	t.Helper()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	mediaDir := t.TempDir()
	images, err := diskstore.New(mediaDir)
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{t: t, db: database, adminURL: d.AdminURL, ownerURL: d.OwnerURL, mediaDir: mediaDir, themes: set, images: images,
		staff:    db.NewStaffStore(database, staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}}),
		sites:    storefront.NewSites(database, tenant.MemoOptions{}),
		resolver: tenant.NewResolver(testBase, database, tenant.MemoOptions{}),
		logs:     &logBuffer{}}
	s.log = slog.New(slog.NewJSONHandler(s.logs, nil))
	s.provision = provision.New(database, provision.Options{BaseDomain: testBase, DNSResolver: closedPort(t), Invitations: s.staff,
		InviteURL: func(token string) string { return "https://" + consoleHost + "/invite/" + token }})
	s.setUpEmail(smtpURL)
	s.backups = s.backupDesk()
	if workers > 0 {
		s.startWorkers(workers)
	}
	s.store = s.storefront()
	configure(s)
	s.serve()
	return s
}

// serve listens on loopback until the test ends, with the caches following
// the database's change notifications.
func (s *testServer) serve() {
	s.url = webtest.Serve(s.t, s.newApp(), false, dbtest.FollowChanges(s.db, s.log, s.resolver, s.sites))
}

// newApp routes the console's host to the console's app and every other
// host, through the event resolver, to the storefront; static files and
// stored images answer on any host.
func (s *testServer) newApp() *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: s.store.ErrorHandler,
		BodyLimit: 11 << 20, StreamRequestBody: true, DisablePreParseMultipartForm: true})
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(themes.Static()), MaxAge: 3600}))
	app.Get("/media/*", s.images.Serve)
	app.Use(tenantweb.ForHost(consoleHost, nil, s.newConsole()))
	app.Use(tenantweb.CheckText)
	app.Use(tenantweb.Resolve(s.resolver, nil))
	s.store.Mount(app)
	return app
}

// storefront is the event sites' handler, with drafts for previews.
func (s *testServer) storefront() *storefrontweb.Handler {
	return &storefrontweb.Handler{Themes: s.themes, Sites: s.sites, Orders: s.db, Log: s.log,
		Links: storefront.OrderLinks{Key: testSecret}, Secret: testSecret,
		Drafts: func(ctx context.Context, id uuid.UUID) (branding.Branding, error) {
			b, _, err := s.db.BrandingDraft(ctx, id)
			return b, err
		},
		Previews: branding.PreviewLinks{Key: testSecret}, MediaURL: s.mediaURL,
		Origin: func(c *fiber.Ctx) string { return tenantweb.RequestOrigin(c, nil) }}
}

func (s *testServer) mediaURL(ctx context.Context, key string) string {
	if key == "" {
		return ""
	}
	u, err := s.images.URL(ctx, key)
	if err != nil {
		s.t.Errorf("media URL of %s: %v", key, err)
	}
	return u
}

// api is the provisioning API, answering in English.
func (s *testServer) api() *api.Handler {
	en := func(id string, kv ...any) string { return s.themes.Translations().T("en", id, kv...) }
	return &api.Handler{Service: s.provision, BaseDomain: testBase, Translate: en, CertState: certState,
		Authenticate: func(ctx context.Context, secret string) (api.Token, error) {
			tok, err := s.db.APITokenBySecret(ctx, secret)
			return api.Token{Name: tok.Name, Scopes: tok.Scopes}, err
		}}
}

// certState is what the certificate storage holds without TLS.
func certState(context.Context, string) string { return "none (TLS is off)" }

// newConsole is the console's own app: the API before the sign-in wall,
// its errors in JSON, every other error as a page.
func (s *testServer) newConsole() *fiber.App {
	a := s.api()
	console := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: a.ErrorsOr(s.store.ErrorHandler)})
	console.Use(tenantweb.CheckText)
	a.Mount(console)
	(&Console{Themes: s.themes, Identity: s.staff, Events: s.db, Brandings: s.db,
		History: HistoryOf(s.db, s.staff), Preview: PreviewOf(s.db, s.store), Secret: testSecret, Log: s.log,
		Previews: branding.PreviewLinks{Key: testSecret}, EventURL: func(slug string) string { return "https://" + slug + "." + testBase },
		Media: s.images, Orders: s.db, Products: s.db, Forms: s.db, Privacy: s.db, Vouchers: s.db, Waitlists: s.db, Signups: s.db, Messages: s.db, MessagePreviews: s.mail,
		Kiosks:    s.db,
		Provision: s.provision, CertState: certState,
		Inbox: s.db, InboxEnabled: s.inboxOn, EmailPreviews: s.mail, Suppliers: s.db, SupplierLists: s.mail,
		Jobs: jobs.Queue{Client: s.jobClient, InPlatform: s.db.InPlatform}, Audit: s.staff, Backups: s.backups,
		Pickup: storefront.PickupTokens{Key: testSecret}, Webhooks: s.db, SSO: s.sso, SSOSignIns: s.staff, PasswordSignInOff: s.passwordOff}).Mount(console)
	return console
}

// closedPort is an address nothing listens on: DNS checks against it fail
// at once, and a test never asks a real resolver.
func closedPort(t *testing.T) string { return dnstest.Unanswered(t) }

// event provisions an event with copy in English and German.
func (s *testServer) event(slug string, status tenant.Status, colours branding.Colours) *tenant.Tenant {
	s.t.Helper()
	return dbtest.Event(s.t, s.db, slug, status, colours)
}

// consoleServer is a test server with two events, devcon and other, and
// one marketing member of devcon.
func consoleServer(t *testing.T) (*testServer, *tenant.Tenant, staff.Staff) {
	t.Helper()
	return withConsoleMember(t, startServer(t))
}

// withConsoleMember gives s the events devcon and other and a marketing
// member of devcon.
func withConsoleMember(t *testing.T, s *testServer) (*testServer, *tenant.Tenant, staff.Staff) {
	t.Helper()
	ev := s.event("devcon", tenant.StatusActive, blue)
	s.event("other", tenant.StatusActive, teal)
	st := dbtest.Member(t, s.staff, "marketing@example.com", "Mia", false, ev, staff.RoleMarketing)
	return s, ev, st
}
