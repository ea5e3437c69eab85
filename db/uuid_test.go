package db_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db"
	"marquee/db/dbtest"
)

// TestUUIDsRoundTrip: the pool's connections write and read google/uuid's
// UUID and NullUUID as uuids, alone and in arrays, in binary (prepared
// statements) and in text (the simple protocol), with NULL meaning what it
// meant through uuid's own Value and Scan.
func TestUUIDsRoundTrip(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	a, b := uuid.New(), uuid.New()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		t.Run(mode.String(), func(t *testing.T) {
			var (
				gotA, kept uuid.UUID
				gotNull    = uuid.NullUUID{UUID: b, Valid: true}
				gotValid   uuid.NullUUID
				gotList    []uuid.UUID
				text       string
			)
			kept = b
			// pgx cannot send a slice in the simple protocol (nor could it
			// before): there the array is only read.
			list, args := "$3::uuid[]", []any{mode, a, uuid.NullUUID{UUID: b, Valid: true}, []uuid.UUID{a, b}}
			if mode == pgx.QueryExecModeSimpleProtocol {
				list, args = "ARRAY[$1::uuid, $2::uuid]", args[:3]
			}
			err := database.Pool.QueryRow(ctx, "SELECT $1::uuid, NULL::uuid, NULL::uuid, $2::uuid, "+list+", $1::uuid::text", args...).
				Scan(&gotA, &kept, &gotNull, &gotValid, &gotList, &text)
			if err != nil {
				t.Fatal(err)
			}
			if gotA != a || text != a.String() {
				t.Errorf("wrote %s, read %s (%s as text)", a, gotA, text)
			}
			if kept != b {
				t.Errorf("NULL read into a UUID changed it to %s; uuid.UUID.Scan leaves it", kept)
			}
			if gotNull.Valid || gotNull.UUID != uuid.Nil {
				t.Errorf("NULL read into a NullUUID: %+v", gotNull)
			}
			if !gotValid.Valid || gotValid.UUID != b {
				t.Errorf("a uuid read into a NullUUID: %+v, want %s", gotValid, b)
			}
			if len(gotList) != 2 || gotList[0] != a || gotList[1] != b {
				t.Errorf("array: %v, want [%s %s]", gotList, a, b)
			}
			var isNull bool
			if err := database.Pool.QueryRow(ctx, "SELECT $1::uuid IS NULL", mode, uuid.NullUUID{}).Scan(&isNull); err != nil || !isNull {
				t.Errorf("a NullUUID that is not Valid: IS NULL %v (%v)", isNull, err)
			}
		})
	}
}
