package main

import (
	"encoding/json"
	"io"
	"text/tabwriter"
	"time"

	"marquee/themes"
)

// newTable writes aligned columns to w; the caller flushes it.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}

// printJSON writes v to w as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func dateOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.DateOnly)
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 MST")
}

// englishOr is the English text of a message ID; "" stays "".
func englishOr(id string) string {
	if id == "" {
		return ""
	}
	tr, err := themes.Load()
	if err != nil {
		return id
	}
	return tr.Translations().T("en", id)
}
