package media_test

import (
	"bytes"
	"testing"

	"marquee/branding/media"
)

// BenchmarkProcessPhoto processes a 12-megapixel JPEG, a phone photo's size.
func BenchmarkProcessPhoto(b *testing.B) {
	photo := jpegOf(b, quadrants(4000, 3000))
	b.SetBytes(int64(len(photo)))
	for b.Loop() {
		if _, err := media.Process(bytes.NewReader(photo), media.DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
}
