package suppliers

import (
	"slices"
	"strings"
	"testing"
)

func TestWriteCSV(t *testing.T) {
	rows := readCSV(t, unicodeLines(), itemFields())

	t.Run("the header names the columns, item fields in the language", func(t *testing.T) {
		if !slices.Equal(rows[0], wantHeader) {
			t.Errorf("header = %q\nwant     %q", rows[0], wantHeader)
		}
	})
	t.Run("one row per line, cell by cell", func(t *testing.T) {
		want := [][]string{
			{"M-1001", "2026-03-01T09:30:00Z", "Kapuzenpulli Größe", "M", "2",
				"JÜRGEN 🎉", "7", "TRUE", "Marineblau", "Ärmeldruck, Namensschild",
				"Jürgen Groß", "Hauptstraße 1, 10115 Berlin, Deutschland", "DE"},
			{"M-1002", "2026-03-01T09:30:00Z", "東京 Tシャツ", "L", "1",
				"", "2.5", "FALSE", "Rot", "Namensschild",
				"山田 花子", strings.Join(addressLines(unicodeLines()[1].ShipTo, "de"), ", "), "JP"},
			{"M-1003", "2026-03-01T09:30:00Z", "Cap 🧢", "One size", "3",
				"", "10", "", "", "",
				"Zoë 🦊", "", ""},
		}
		if len(rows) != 1+len(want) {
			t.Fatalf("got %d rows, want %d", len(rows), 1+len(want))
		}
		for i, w := range want {
			if !slices.Equal(rows[i+1], w) {
				t.Errorf("row %d = %q\nwant    %q", i+1, rows[i+1], w)
			}
		}
	})
	t.Run("a Japanese address keeps its script", func(t *testing.T) {
		if got := rows[2][11]; !strings.Contains(got, "千代田1-1") || strings.Contains(got, "山田") {
			t.Errorf("address = %q, want the lines without the recipient", got)
		}
	})
	t.Run("no lines still gives the header", func(t *testing.T) {
		rows := readCSV(t, nil, itemFields())
		if len(rows) != 1 || !slices.Equal(rows[0], wantHeader) {
			t.Errorf("rows = %q", rows)
		}
	})
}
