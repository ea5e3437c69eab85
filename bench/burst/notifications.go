package main

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"marquee/db"
)

// notifications counts the change notifications the database sends while
// it listens, by kind: "stock" (a variant's units, applied in place) and
// "event" (the event's id: its caches are dropped and loaded again).
type notifications struct {
	stock, event atomic.Int64
}

// listen counts notifications on dbURL until ctx ends; ready is closed
// once it listens.
func (n *notifications) listen(ctx context.Context, dbURL string, ready chan<- struct{}) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		close(ready)
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+db.TenantChangedChannel); err != nil {
		close(ready)
		return err
	}
	close(ready)
	for {
		msg, err := conn.WaitForNotification(ctx)
		if err != nil {
			return nil // ctx ended
		}
		if strings.HasPrefix(msg.Payload, "stock ") {
			n.stock.Add(1)
		} else {
			n.event.Add(1)
		}
	}
}
