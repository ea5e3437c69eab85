package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"marquee/branding"
	"marquee/db"
	"marquee/db/throwaway"
	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/tenant"
)

// fixture is the hot event (its sized product for the burst, an ample
// one for the mixed run's orders) and the other events' hosts.
type fixture struct {
	dbURL          string
	tenant         uuid.UUID
	host           string
	product        uuid.UUID
	sizes          []uuid.UUID
	pen, penColour uuid.UUID
	sticker        uuid.UUID // the mixed run sells its last units to time the sold-out state
	stickerVariant uuid.UUID
	stickerUnits   int
	others         []string
}

var ampleStock = 100_000_000

func setUp(ctx context.Context, srv *throwaway.Server, o options) (fixture, error) {
	url, err := srv.EnsureOwnerDatabase(ctx, "bench_owner", "bench")
	if err != nil {
		return fixture{}, err
	}
	if _, err := db.Migrate(ctx, url); err != nil {
		return fixture{}, err
	}
	database, err := db.Open(ctx, url, db.Options{MaxConns: 8})
	if err != nil {
		return fixture{}, err
	}
	defer database.Close()
	ev, err := createEvent(ctx, database, "opening", "Shop opening")
	if err != nil {
		return fixture{}, err
	}
	fx := fixture{dbURL: url, tenant: ev.ID, host: "opening.bench.test"}
	tee := storefront.Product{Name: storefront.Text{"en": "T-shirt"}, Visible: true}
	for i := range o.sizes {
		units := o.units / o.sizes
		if i < o.units%o.sizes {
			units++
		}
		tee.Variants = append(tee.Variants, storefront.Variant{Label: storefront.Text{"en": fmt.Sprintf("Size %d", i+1)}, Position: i, Stock: &units})
	}
	if tee, err = database.AddProduct(ctx, ev.ID, tee); err != nil {
		return fixture{}, err
	}
	fx.product = tee.ID
	for _, v := range tee.Variants {
		fx.sizes = append(fx.sizes, v.ID)
	}
	pen, err := database.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Pen"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Blue"}, Stock: &ampleStock}}})
	if err != nil {
		return fixture{}, err
	}
	fx.pen, fx.penColour = pen.ID, pen.Variants[0].ID
	if err := pastOrders(ctx, database, url, o.pastEvents, o.pastOrders); err != nil {
		return fixture{}, err
	}
	if err := autovacuumOff(ctx, srv.AdminURL()); err != nil {
		return fixture{}, err
	}
	if !o.mixed.run {
		return fx, nil
	}
	fx.stickerUnits = o.mixed.stickerUnits
	sticker, err := database.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Sticker"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Round"}, Stock: &fx.stickerUnits}}})
	if err != nil {
		return fixture{}, err
	}
	fx.sticker, fx.stickerVariant = sticker.ID, sticker.Variants[0].ID
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range o.mixed.events {
		g.Go(func() error {
			slug := fmt.Sprintf("ev%04d", i+1)
			if _, err := createEvent(gctx, database, slug, "Event "+slug); err != nil {
				return err
			}
			mu.Lock()
			fx.others = append(fx.others, slug+".bench.test")
			mu.Unlock()
			return nil
		})
	}
	return fx, g.Wait()
}

// pastOrders gives the platform the history a platform in service has:
// events (not viewed in the runs) with orders, then ANALYZE, as autovacuum
// would have run. Without it the tables are new, the planner has no
// statistics and takes an event's orders for a row or two: it looked
// orders up by number or idempotency key through the (tenant, email)
// index and items through the (tenant, variant) one, reading every order
// of the hot event on every lookup, so each order of the burst cost more
// than the one before. With statistics of many events' orders it uses
// the unique indexes.
func pastOrders(ctx context.Context, database *db.DB, ownerURL string, events, orders int) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range events {
		g.Go(func() error {
			slug := fmt.Sprintf("past%04d", i+1)
			ev, err := createEvent(gctx, database, slug, "Past event "+slug)
			if err != nil {
				return err
			}
			mug, err := database.AddProduct(gctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Mug"}, Visible: true,
				Variants: []storefront.Variant{{Label: storefront.Text{"en": "White"}}}})
			if err != nil {
				return err
			}
			for n := range orders {
				o, err := database.PlaceOrder(gctx, ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Name: "Past",
					Email: fmt.Sprintf("past%d@example.com", n), Locale: "en",
					Lines: []storefront.Line{{ProductID: mug.ID, VariantID: mug.Variants[0].ID, Quantity: 1}}})
				if err != nil {
					return err
				}
				// Its confirmation, as sent long ago (the send log has
				// statistics too); its job is deleted below.
				if err := database.RecordEmail(gctx, ev.ID, notify.SentEmail{DedupKey: "past:" + o.Number, Kind: notify.KindOrderConfirmation,
					Subject: "Your order", MessageID: "<" + o.Number + "@bench.test>", Recipients: []string{o.Email}, OrderID: &o.ID}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, ownerURL) // the tables' owner: the pool's role may not analyze them
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// The past orders' email jobs would run when serve starts, during the
	// burst: they were done long ago.
	if _, err := conn.Exec(ctx, "DELETE FROM river_job"); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "VACUUM (ANALYZE)")
	return err
}

// autovacuumOff turns autovacuum off on the throwaway server once the
// setup is vacuumed and analyzed: its visits to the tables the setup
// wrote were counted as transactions in the runs (the idle run saw about
// 300), which the mixed run charges to page views.
func autovacuumOff(ctx context.Context, adminURL string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "ALTER SYSTEM SET autovacuum = off"); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "SELECT pg_reload_conf()")
	return err
}

func createEvent(ctx context.Context, database *db.DB, slug, name string) (*tenant.Tenant, error) {
	return database.CreateTenant(ctx,
		tenant.Tenant{Slug: slug, Name: name, Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"en": {Title: name}}})
}

// unitsOf counts the burst product's units sold (in orders) and left (in
// stock), as the event sees them.
func (fx fixture) unitsOf(ctx context.Context) (sold, left int, err error) {
	database, err := db.Open(ctx, fx.dbURL, db.Options{MaxConns: 1})
	if err != nil {
		return 0, 0, err
	}
	defer database.Close()
	err = database.InTenant(ctx, fx.tenant, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT coalesce(sum(quantity), 0) FROM order_items WHERE product_id = $1", fx.product).Scan(&sold); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "SELECT coalesce(sum(stock), 0) FROM variants WHERE product_id = $1", fx.product).Scan(&left)
	})
	return sold, left, err
}

// transactions is the database's count of finished transactions, as
// Postgres has published it so far.
func (fx fixture) transactions(ctx context.Context) (int64, error) {
	conn, err := pgx.Connect(ctx, fx.dbURL)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var n int64
	err = conn.QueryRow(ctx, "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()").Scan(&n)
	return n, err
}
