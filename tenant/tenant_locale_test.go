package tenant

import (
	"testing"
	"unsafe"
)

func TestLocaleIsTheSharedCopy(t *testing.T) {
	fromDB := string([]byte("de")) // a copy of its own, as a row scanned from the database is
	got := Locale(fromDB)
	if got != "de" || unsafe.StringData(got) != unsafe.StringData(SupportedLocales[1]) {
		t.Fatalf("Locale(%q) = %q at %p, want the shared copy at %p", fromDB, got, unsafe.StringData(got), unsafe.StringData(SupportedLocales[1]))
	}
	if other := string([]byte("pt")); Locale(other) != "pt" {
		t.Fatalf("an unsupported code comes back as it was, got %q", Locale(other))
	}
}
