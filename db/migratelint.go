package db

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

// The rules of the migration check. Migrations run before the new code is
// deployed, so the code of the release before runs on the migrated schema:
// a statement that takes away what it uses, or holds a lock that stops it
// for the length of a table scan, is refused unless its file carries the
// two-step marker (docs/migrations.md).
const (
	RuleDrop             = "drop"                        // DROP anything, ALTER … DROP a column, constraint or default
	RuleRename           = "rename"                      // RENAME anything, SET SCHEMA
	RuleTypeChange       = "type-change"                 // ALTER COLUMN … TYPE on an existing table
	RuleNotNull          = "not-null-without-default"    // ADD COLUMN … NOT NULL without DEFAULT, SET NOT NULL, on an existing table
	RuleIndex            = "index-without-concurrently"  // CREATE INDEX, ADD UNIQUE/PRIMARY KEY/EXCLUDE on an existing table, REINDEX, without CONCURRENTLY
	RuleConcurrentlyInTx = "concurrently-in-transaction" // CREATE INDEX or REINDEX CONCURRENTLY in a file without "-- +goose NO TRANSACTION"
	RuleMarker           = "two-step-marker"             // a marker line that does not follow the format
	RuleBaselineEdited   = "baseline-edited"             // a migration applied before the check existed was changed
)

// twoStepPrefix starts the marker line:
//
//	-- marquee:two-step contract-of=<release> <why the old shape is unused>
const twoStepPrefix = "marquee:two-step"

// twoStepMarker is the marker's whole format; release is a version (v0.16,
// v1.2.3) or a commit id.
var twoStepMarker = regexp.MustCompile(`^marquee:two-step\s+contract-of=(v[0-9]+(?:\.[0-9]+){0,2}|[0-9a-f]{7,40})\s+(\S.*)$`)

// MigrationProblem is one statement the migration check refuses (or would
// refuse, when Accepted says why it does not).
type MigrationProblem struct {
	File      string // as the repository names it: db/migrations/00022_x.sql
	Line      int    // of the offending keyword
	Rule      string // one of the Rule constants
	Statement string // the statement, shortened
	Accepted  string // why it passes anyway: the file's marker or the baseline; "" when refused
}

// Error says where, which rule and what to do instead.
func (p MigrationProblem) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s (%s)", p.File, p.Line, p.Rule, p.Statement, ruleAdvice[p.Rule])
}

var ruleAdvice = map[string]string{
	RuleDrop:             "the release before still uses it: stop using it in one release, drop it in a later migration whose file carries \"-- marquee:two-step contract-of=<that release> <why>\"",
	RuleRename:           "the release before still uses the old name: add the new one beside it, switch, and drop the old in a two-step contract",
	RuleTypeChange:       "rewrites the table under an exclusive lock and the release before expects the old type: add a column of the new type, backfill, switch, contract",
	RuleNotNull:          "the release before does not write it: add the column with a DEFAULT, or add a CHECK (… IS NOT NULL) NOT VALID and VALIDATE it later",
	RuleIndex:            "locks the table's writes for the whole build: CREATE INDEX CONCURRENTLY in a file with \"-- +goose NO TRANSACTION\" (then ADD … USING INDEX)",
	RuleConcurrentlyInTx: "CONCURRENTLY cannot run inside a transaction: add \"-- +goose NO TRANSACTION\" and keep one statement per concern",
	RuleBaselineEdited:   "installations applied it as it was and will not run it again: put the change in a new migration",
	RuleMarker:           "write it as \"-- marquee:two-step contract-of=<release> <why the old shape is unused>\", release a version like v0.16 or a commit id",
}

// CheckMigration checks one migration file's Up section. file is how
// messages name it. With a valid two-step marker in the file, what the
// rules refuse is returned as accepted instead.
func CheckMigration(file, src string) (refused, accepted []MigrationProblem) {
	m := scanMigration(src)
	var release string
	for _, l := range m.markers {
		match := twoStepMarker.FindStringSubmatch(l.text)
		if match == nil {
			refused = append(refused, MigrationProblem{File: file, Line: l.line, Rule: RuleMarker, Statement: "-- " + l.text})
			continue
		}
		release = match[1]
	}
	c := checker{file: file, newTables: map[string]bool{}, noTransaction: m.noTransaction}
	for _, st := range m.statements {
		c.statement(st)
	}
	for _, p := range c.problems {
		if release != "" && p.Rule != RuleConcurrentlyInTx {
			p.Accepted = "two-step marker, contract-of=" + release
			accepted = append(accepted, p)
			continue
		}
		refused = append(refused, p)
	}
	return refused, accepted
}

// migrationBaseline holds the migrations applied before the check existed,
// by the SHA-256 of their content: they stay as they ran (an applied
// migration is never edited), and what the rules find in them is accepted
// as history. Any change to one of them fails the check.
var migrationBaseline = map[string]string{
	"00001_roles.sql":                   "4d80c5a4351759df0a3be3b48e54d5095acc86ceb4de681cc1dc861d5dfd773b",
	"00002_tenants.sql":                 "e2e210600f91ce6b97442131af45ebf9442231b8a7ea19394f6921d98aedd334",
	"00003_domains.sql":                 "90a62ed243d66985d8044f37097aeafe6146953b8d855d34f90ceedc3d7df517",
	"00004_brandings.sql":               "f679809d7676934aa7522510d660d59b5e91d740eff65d0973e4f8d1bf3b7ba3",
	"00005_event_settings.sql":          "2364da7c6293f6f785fe888b66e9e821ad8fd1f07ef71f5eeba76a813180da73",
	"00006_catalogue.sql":               "c59117ee9d47da1483fa0b47a88139ca8547b8932b06ea7ec7c477a197969953",
	"00007_orders.sql":                  "a3de1dabb83a08875465acc109601d39dec2fc541fab2774fe5f7d0e06ca1b20",
	"00008_staff.sql":                   "2ed80728ed61b02c1c7348092d1a210f6b4e10317dcb7df5eb02d441f1144e1a",
	"00009_branding_versions.sql":       "1a196298479c163b7d5d3dadaf83196c9029eeee1a992d4209e7d67d7b72295f",
	"00010_branding_images.sql":         "09f0e7ea019a62c4999627a980fbd7b23782b379a4b1c5a6bde9982387ec0c03",
	"00011_branding_font.sql":           "3fa6fbc2970d817c89914303bc9c7ec05434759044d414837fd6e31357b87939",
	"00012_branding_favicon_social.sql": "0bfd4e850248c66c4a9dc6ba70bd4d4ee6afad6d0e354276f91a71267c4fc613",
	"00013_stock_adjustments.sql":       "9469708985b52b6337dc5f7bfdc30e0483f6feb27d607e5d6ab93424b059e97a",
	"00014_certmagic.sql":               "54ce5f2a2ce9734ba7eb615b7d644aadcf9c4f71569df453051b55dbfce5ed82",
	"00015_provisioning.sql":            "1c18650db3616dc2fda5796c1e80f4d9b434e9e1deaac92d25560dbf827bf112",
	"00016_river.sql":                   "8601f1bb8a5913630818f776a18cd4277d422d44cfa113dfdd4947de109d3220",
	"00017_notifications.sql":           "f75d7130fc28496e5a77ad283dacf2e6a99d3539259825e3bf2c241ec30943eb",
	"00018_reply_to.sql":                "886a83bbc297d13051dd9958bcb83eb59345fb478d618fa90ebac2dba60e66aa",
	"00019_event_facts.sql":             "15bd7f05ab0d73458f74235957d68920ac23be07a680fcba7a824de7d33a7fac",
	"00020_stock_notify.sql":            "0e5c2ea0b76c01b2ad62051529341c075d87fe2797be9cec7c38c00954a616ff",
	"00021_order_check.sql":             "ac9e15a887b390bc17715bcb424241538ac3b2a03982542da7f2f5398797de1e",
}

// CheckMigrations checks every embedded migration: the refused statements,
// and the accepted ones with why (a marker or the baseline).
func CheckMigrations() (refused, accepted []MigrationProblem, err error) {
	return checkMigrationsIn(migrationFiles, "migrations", migrationBaseline)
}

func checkMigrationsIn(fsys fs.FS, dir string, baseline map[string]string) (refused, accepted []MigrationProblem, err error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, nil, err
		}
		file := "db/migrations/" + e.Name()
		r, a := CheckMigration(file, string(b))
		if want, ok := baseline[e.Name()]; ok {
			sum := sha256.Sum256(b)
			if got := hex.EncodeToString(sum[:]); got != want {
				refused = append(refused, MigrationProblem{File: file, Line: 1, Rule: RuleBaselineEdited,
					Statement: "sha256 " + got[:12] + ", was " + want[:12]})
				continue
			}
			for _, p := range r {
				p.Accepted = "baseline: applied before the check existed"
				a = append(a, p)
			}
			r = nil
		}
		refused = append(refused, r...)
		accepted = append(accepted, a...)
	}
	return refused, accepted, nil
}
