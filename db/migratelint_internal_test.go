package db

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"testing/fstest"
)

func TestMigrationBaseline(t *testing.T) {
	const old = "-- +goose Up\nDROP TRIGGER variants_notify ON variants;\n"
	sum := sha256.Sum256([]byte(old))
	baseline := map[string]string{"00020_old.sql": hex.EncodeToString(sum[:])}
	t.Run("what an applied migration did is accepted as history", func(t *testing.T) {
		fsys := fstest.MapFS{"m/00020_old.sql": {Data: []byte(old)}}
		refused, accepted, err := checkMigrationsIn(fsys, "m", baseline)
		if err != nil || len(refused) != 0 || len(accepted) != 1 || accepted[0].Rule != RuleDrop {
			t.Fatalf("refused %v, accepted %v, err %v; want the drop accepted", refused, accepted, err)
		}
	})
	t.Run("an applied migration edited is refused, a new one is checked", func(t *testing.T) {
		fsys := fstest.MapFS{
			"m/00020_old.sql": {Data: []byte(old + "DROP TABLE orders;\n")},
			"m/00022_new.sql": {Data: []byte("-- +goose Up\nALTER TABLE orders DROP COLUMN note;\n")},
		}
		refused, _, err := checkMigrationsIn(fsys, "m", baseline)
		if err != nil || len(refused) != 2 {
			t.Fatalf("refused %v, err %v; want two refusals", refused, err)
		}
		if r := refused[0]; r.File != "db/migrations/00020_old.sql" || r.Rule != RuleBaselineEdited {
			t.Errorf("first refusal %v, want 00020_old.sql baseline-edited", r)
		}
		if r := refused[1]; r.File != "db/migrations/00022_new.sql" || r.Line != 2 || r.Rule != RuleDrop {
			t.Errorf("second refusal %v, want 00022_new.sql:2 drop", r)
		}
	})
}
