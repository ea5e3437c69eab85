package backup

import (
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// MediaColumns are the columns that hold media keys (branding/media): a
// backup copies every object they name, in every row (all branding
// versions, drafts included), and no other. A test holds this list to the
// schema: a new text column named like a key must be added here or to
// NotMediaColumns.
var MediaColumns = []string{
	"brandings.logo_key", "brandings.hero_key", "brandings.favicon_key", "brandings.social_image_key",
	"products.image_key",
}

// NotMediaColumns are key-named text columns that hold no media key.
var NotMediaColumns = []string{"certmagic_data.key", "certmagic_locks.key", "email_log.dedup_key", "form_fields.key",
	"api_idempotency_keys.key"}

// mediaKeys lists the distinct media keys the database references, in the
// transaction's snapshot. Columns the schema does not have yet (a database
// behind on its migrations) are skipped.
func mediaKeys(ctx context.Context, tx pgx.Tx) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name || '.' || column_name = ANY($1)`, MediaColumns)
	if err != nil {
		return nil, err
	}
	present, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(present) == 0 {
		return nil, err
	}
	slices.Sort(present)
	parts := make([]string, 0, len(present))
	for _, tc := range present {
		table, column, _ := strings.Cut(tc, ".")
		parts = append(parts, "SELECT "+pgx.Identifier{column}.Sanitize()+" AS k FROM "+pgx.Identifier{"public", table}.Sanitize())
	}
	rows, err = tx.Query(ctx, "SELECT DISTINCT k FROM ("+strings.Join(parts, " UNION ALL ")+") keys WHERE k IS NOT NULL AND k <> '' ORDER BY k")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
