package db

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db/internal/dbq"
	"marquee/storefront"
)

// OrderByNumberInTransaction reads an order as OrderByNumber did before it
// was one round trip (BEGIN, the tenant, the order, its items, its
// history, COMMIT): BenchmarkOrderByNumber compares the two in one run.
func (db *DB) OrderByNumberInTransaction(ctx context.Context, tenantID uuid.UUID, number string) (*storefront.Order, error) {
	var order *storefront.Order
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		ot := &orderTx{tx: tx, q: dbq.New(tx), tenantID: tenantID}
		row, err := ot.q.OrderGetByNumber(ctx, dbq.OrderGetByNumberParams{TenantID: tenantID, Number: number})
		if err != nil {
			return err
		}
		order, err = ot.load(ctx, row)
		return err
	})
	return order, notFound(err, "order.not_found")
}
