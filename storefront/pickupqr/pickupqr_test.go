package pickupqr_test

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"rsc.io/qr"

	"marquee/storefront"
	"marquee/storefront/pickupqr"
	"marquee/storefront/pickupqr/pickupqrtest"
)

// token is a real pick-up token, the text these codes carry.
func token(t *testing.T) string {
	t.Helper()
	return storefront.PickupTokens{Key: []byte("0123456789abcdef0123456789abcdef")}.Token(uuid.New(), "K7M3-Q9XZ")
}

func TestThePNGDecodesToTheToken(t *testing.T) {
	tok := token(t)
	c, err := pickupqr.Encode(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.Size() != 37 {
		t.Errorf("a token's code is %d modules a side with its quiet zone, want 37 (version 3)", c.Size())
	}
	data, err := c.PNG(6)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the PNG has %d bytes", len(data))
	if len(data) > 1024 {
		t.Errorf("the PNG has %d bytes, want at most 1 KB", len(data))
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Dx(); got != 37*6 {
		t.Errorf("the PNG is %d pixels wide, want %d", got, 37*6)
	}
	if got := decode(t, img); got != tok {
		t.Fatalf("the PNG decodes to %q, want %q", got, tok)
	}
}

func TestTheSVGPathDecodesToTheToken(t *testing.T) {
	tok := token(t)
	c, err := pickupqr.Encode(tok)
	if err != nil {
		t.Fatal(err)
	}
	path := c.Path()
	if len(path) > 4096 {
		t.Errorf("the path has %d bytes, want at most 4 KB for a light page", len(path))
	}
	// Paint the path as a browser would, 6 pixels a unit, and read it.
	const scale = 6
	img := image.NewGray(image.Rect(0, 0, c.Size()*scale, c.Size()*scale))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	runs := regexp.MustCompile(`^M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
	for rest := path; rest != ""; {
		m := runs.FindStringSubmatch(rest)
		if m == nil || m[3] != m[4] {
			t.Fatalf("the path is not made of row runs at %q", rest)
		}
		x, y, n := atoi(m[1]), atoi(m[2]), atoi(m[3])
		draw.Draw(img, image.Rect(x*scale, y*scale, (x+n)*scale, (y+1)*scale), image.NewUniform(color.Black), image.Point{}, draw.Src)
		rest = rest[len(m[0]):]
	}
	if got := decode(t, img); got != tok {
		t.Fatalf("the SVG decodes to %q, want %q", got, tok)
	}
}

func TestTheQuietZoneIsLight(t *testing.T) {
	c, err := pickupqr.Encode(token(t))
	if err != nil {
		t.Fatal(err)
	}
	n := c.Size()
	for y := range n {
		for x := range n {
			inner := x >= 4 && x < n-4 && y >= 4 && y < n-4 // the quiet zone is 4 modules
			if !inner && c.Dark[y][x] {
				t.Fatalf("module (%d, %d) of the quiet zone is dark", x, y)
			}
		}
	}
	if !c.Dark[4][4] {
		t.Fatal("the finder pattern's corner is not dark: the code is not where the quiet zone ends")
	}
}

func decode(t *testing.T, img image.Image) string {
	t.Helper()
	return pickupqrtest.Read(t, img)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestEncodeIsQRsCode: Encode, with its kept plans, gives rsc.io/qr's own
// code module for module, for tokens and texts of several versions and
// encodings, concurrently.
func TestEncodeIsQRsCode(t *testing.T) {
	texts := []string{"MQP1.K7Q2M9X4.abcdefghijklmnopqrstuv", "12345", "HELLO WORLD", strings.Repeat("x", 200), "é"}
	var wg sync.WaitGroup
	for range 4 {
		for _, text := range texts {
			wg.Go(func() {
				got, err := pickupqr.Encode(text)
				if err != nil {
					t.Error(err)
					return
				}
				want, err := qr.Encode(text, qr.M)
				if err != nil {
					t.Error(err)
					return
				}
				if got.Size() != want.Size+8 {
					t.Errorf("%q: %d modules with the quiet zone, qr has %d without", text, got.Size(), want.Size)
					return
				}
				for y := range want.Size {
					for x := range want.Size {
						if got.Dark[y+4][x+4] != want.Black(x, y) {
							t.Errorf("%q: module %d,%d differs from qr's", text, x, y)
							return
						}
					}
				}
			})
		}
	}
	wg.Wait()
}
