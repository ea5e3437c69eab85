package db

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"marquee/db/internal/dbq"
	"marquee/storefront/form"
)

// FormFields returns an event's order-form definition.
func (db *DB) FormFields(ctx context.Context, tenantID uuid.UUID) ([]form.Field, error) {
	var fields []form.Field
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		var err error
		fields, err = formFieldsIn(ctx, q, tenantID)
		return err
	})
	return fields, err
}

func formFieldsIn(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID) ([]form.Field, error) {
	rows, err := q.FormFieldList(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	fields := make([]form.Field, 0, len(rows))
	for _, r := range rows {
		var f form.Field
		if err := json.Unmarshal(r.Definition, &f); err != nil {
			return nil, fmt.Errorf("form field %s: %w", r.Key, err)
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// AddFormField stores one field of an event's order form.
func (db *DB) AddFormField(ctx context.Context, tenantID uuid.UUID, f form.Field) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error { return insertFormField(ctx, q, tenantID, f) })
}

// insertFormField stores f in q's transaction.
func insertFormField(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID, f form.Field) error {
	def, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = q.FormFieldInsert(ctx, dbq.FormFieldInsertParams{
		TenantID: tenantID, Key: f.Key, Scope: string(f.Scope), Position: int32(f.Position), Definition: def,
	})
	return err
}

// RemoveFormField takes a field off an event's order form. Answers already
// given stay with their orders (they are part of each order's JSON).
func (db *DB) RemoveFormField(ctx context.Context, tenantID uuid.UUID, key string) error {
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.FormFieldDelete(ctx, dbq.FormFieldDeleteParams{TenantID: tenantID, Key: key}))
	})
}

// MoveFormField swaps a field with its neighbour in its scope, renumbering
// the scope's positions.
func (db *DB) MoveFormField(ctx context.Context, tenantID uuid.UUID, key string, up bool) error {
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		fields, err := formFieldsIn(ctx, q, tenantID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(fields, func(f form.Field) bool { return f.Key == key })
		if i < 0 {
			return errNotFound()
		}
		scoped := form.Sorted(fields, fields[i].Scope)
		j := slices.IndexFunc(scoped, func(f form.Field) bool { return f.Key == key })
		k := j + 1
		if up {
			k = j - 1
		}
		if k >= 0 && k < len(scoped) {
			scoped[j], scoped[k] = scoped[k], scoped[j]
		}
		for pos, f := range scoped {
			if err := q.FormFieldSetPosition(ctx, dbq.FormFieldSetPositionParams{TenantID: tenantID, Key: f.Key, Position: int32(pos)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// UpdateFormField replaces the definition of the field with f.Key. The key
// itself never changes: orders keep their answers under it.
func (db *DB) UpdateFormField(ctx context.Context, tenantID uuid.UUID, f form.Field) error {
	if err := f.Validate(); err != nil {
		return err
	}
	def, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.FormFieldUpdate(ctx, dbq.FormFieldUpdateParams{TenantID: tenantID, Key: f.Key, Scope: string(f.Scope), Position: int32(f.Position), Definition: def}))
	})
}
