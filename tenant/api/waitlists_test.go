package api

import (
	"fmt"
	"net/http"
	"testing"

	"marquee/db/dbtest"
)

func TestWaitlistsAPI(t *testing.T) {
	f := newDeskFixture(t)
	token := f.tokenWith(ScopeWaitlistsRead, ScopeWaitlistsWrite)
	xl, theirs := f.shirt.Variants[2].ID, f.otherShirt.Variants[2].ID
	dbtest.Exec(t, f.adminURL, "UPDATE variants SET stock = 0 WHERE id = ANY($1)", []any{xl, theirs})
	for i := range 3 {
		if _, err := f.db.JoinWaitlist(t.Context(), f.ev.ID, xl, fmt.Sprintf("p%d@example.com", i), "en", i+1); err != nil {
			t.Fatal(err)
		}
	}
	other, err := f.db.JoinWaitlist(t.Context(), f.other.ID, theirs, "elsewhere@example.com", "en", 1)
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/events/berlin/waitlists"

	t.Run("the demand per option", func(t *testing.T) {
		r := f.api(http.MethodGet, base, token, "")
		if r.status != 200 || len(r.data()) != 1 || r.data()[0]["variant_id"] != xl.String() || r.data()[0]["people"] != 3.0 || r.data()[0]["units"] != 6.0 {
			t.Fatalf("%d %v", r.status, r.body)
		}
	})
	var second string
	t.Run("an option's line pages in order", func(t *testing.T) {
		first := f.api(http.MethodGet, base+"/"+xl.String()+"?limit=2", token, "")
		if first.status != 200 || len(first.data()) != 2 || first.data()[0]["email"] != "p0@example.com" || first.data()[1]["position"] != 2.0 {
			t.Fatalf("%d %v", first.status, first.body)
		}
		second, _ = first.data()[1]["id"].(string)
		rest := f.api(http.MethodGet, base+"/"+xl.String()+"?limit=2&cursor="+first.nextCursor(), token, "")
		if len(rest.data()) != 1 || rest.data()[0]["email"] != "p2@example.com" || rest.body["next_cursor"] != nil {
			t.Errorf("the second page: %v", rest.body)
		}
	})
	t.Run("another event's option and entries are not found, and stay", func(t *testing.T) {
		for _, r := range []apiResponse{
			f.api(http.MethodGet, base+"/"+theirs.String(), token, ""),
			f.api(http.MethodDelete, base+"/"+theirs.String()+"/entries/"+other.ID.String(), token, ""),
			f.api(http.MethodDelete, base+"/"+xl.String()+"/entries/"+other.ID.String(), token, ""),
			f.api(http.MethodDelete, "/api/v1/events/munich/waitlists/"+xl.String()+"/entries/"+second, token, ""),
		} {
			if r.status != 404 {
				t.Errorf("%d, want 404", r.status)
			}
		}
		if n := countRows(t, f.adminURL, "SELECT count(*) FROM waitlist_entries"); n != 4 {
			t.Errorf("%d entries, want 4", n)
		}
	})
	t.Run("an entry is taken off; the people behind move up", func(t *testing.T) {
		if r := f.api(http.MethodDelete, base+"/"+xl.String()+"/entries/"+second, token, ""); r.status != 204 {
			t.Fatalf("%d %v", r.status, r.body)
		}
		r := f.api(http.MethodGet, base+"/"+xl.String(), token, "")
		if len(r.data()) != 2 || r.data()[1]["email"] != "p2@example.com" || r.data()[1]["position"] != 2.0 {
			t.Errorf("after: %v", r.data())
		}
		if r := f.api(http.MethodDelete, base+"/"+xl.String()+"/entries/"+second, token, ""); r.status != 404 {
			t.Errorf("taken off twice: %d", r.status)
		}
	})
}
