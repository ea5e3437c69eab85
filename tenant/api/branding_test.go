package api

import (
	"net/http"
	"testing"
)

// TestBrandingAPI: the draft is read and changed with the editor's rules
// (a refusal names the field and saves nothing), published, and then is
// what the site shows; another event's token cannot reach it.
func TestBrandingAPI(t *testing.T) {
	s := startServer(t)
	s.event("berlin")
	token := s.token(ScopeBrandingRead, ScopeBrandingWrite)
	base := "/api/v1/events/berlin/branding"
	r := s.api(http.MethodPatch, base+"/draft", token, `{"theme":"bold","colours":{"primary":"#112233"},"copy":{"de":{"title":"Berlin auf Deutsch"}}}`)
	b, _ := r.body["branding"].(map[string]any)
	if r.status != 200 || b["theme"] != "bold" || b["colours"].(map[string]any)["primary"] != "#112233" || r.body["unpublished_changes"] != true ||
		b["copy"].(map[string]any)["de"].(map[string]any)["title"] != "Berlin auf Deutsch" {
		t.Fatalf("patch: %d %s", r.status, r.raw)
	}
	for body, field := range map[string]string{
		`{"colours":{"accent":"red"}}`:        "colours.accent",
		`{"theme":"neon"}`:                    "theme",
		`{"font":"comic-sans"}`:               "font",
		`{"copy":{"it":{"title":"Berlino"}}}`: "copy.it",
	} {
		if r := s.api(http.MethodPatch, base+"/draft", token, body); r.status != 422 || r.errorField() != field {
			t.Errorf("%s: %d %q (field %q)", body, r.status, r.errorMessage(), r.errorField())
		}
	}
	if r := s.api(http.MethodGet, base+"/published", token, ""); r.status != 200 || r.body["branding"].(map[string]any)["theme"] == "bold" {
		t.Errorf("published before publishing: %d %s", r.status, r.raw)
	}
	if r := s.api(http.MethodPost, base+"/publish", token, ""); r.status != 200 || r.body["version"] == nil {
		t.Fatalf("publish: %d %s", r.status, r.raw)
	}
	if r := s.api(http.MethodGet, base+"/published", token, ""); r.status != 200 || r.body["branding"].(map[string]any)["theme"] != "bold" {
		t.Errorf("published: %d %s", r.status, r.raw)
	}
	if r := s.api(http.MethodPost, base+"/publish", token, ""); r.status != 409 {
		t.Errorf("publishing nothing: %d %s", r.status, r.raw)
	}
	s.api(http.MethodPatch, base+"/draft", token, `{"colours":{"primary":"#ffffff","background":"#ffffff","text":"#fefefe"}}`)
	if r := s.api(http.MethodPost, base+"/publish", token, ""); r.status != 422 {
		t.Errorf("unreadable colours published: %d %s", r.status, r.raw)
	}
}
