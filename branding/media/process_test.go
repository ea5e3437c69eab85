package media_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"

	"marquee"
	"marquee/branding/media"
)

func process(t *testing.T, data []byte) media.Image {
	t.Helper()
	img, err := media.Process(bytes.NewReader(data), media.DefaultLimits())
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	return img
}

// wantRefused checks that err is the EINVALID error on field "file" with
// messageID.
func wantRefused(t *testing.T, img media.Image, err error, messageID string) {
	t.Helper()
	if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorMessage(err) != messageID || marquee.ErrorField(err) != "file" {
		t.Fatalf("Process = %v, want EINVALID %s on field file", err, messageID)
	}
	if img.Hash != "" || img.Renditions != nil {
		t.Errorf("a refused upload still produced %+v", img)
	}
}

// decodeRendition decodes a rendition by its declared type, failing if the
// bytes are of another type.
func decodeRendition(t *testing.T, r media.Rendition) image.Image {
	t.Helper()
	var m image.Image
	var err error
	switch r.ContentType {
	case "image/jpeg":
		m, err = jpeg.Decode(bytes.NewReader(r.Data))
	case "image/png":
		m, err = png.Decode(bytes.NewReader(r.Data))
	default:
		t.Fatalf("rendition of type %q", r.ContentType)
	}
	if err != nil {
		t.Fatalf("rendition %d is not a %s: %v", r.Width, r.ContentType, err)
	}
	if b := m.Bounds(); b.Dx() != r.Width || b.Dy() != r.Height {
		t.Fatalf("rendition says %d×%d, holds %v", r.Width, r.Height, b)
	}
	return m
}

func TestDefaultLimits(t *testing.T) {
	l := media.DefaultLimits()
	if l.MaxBytes != 10<<20 || l.MaxPixels != 40_000_000 || !slices.Equal(l.Widths, []int{320, 640, 1280}) {
		t.Errorf("DefaultLimits() = %+v", l)
	}
}

func TestEachAcceptedType(t *testing.T) {
	for _, tc := range []struct {
		name       string
		data       []byte
		wantType   string
		wantW      int
		wantH      int
		wantPixels map[image.Point]string // a point of the largest rendition and the colour there
	}{
		{"a JPEG stays a JPEG", jpegOf(t, quadrants(200, 100)), "image/jpeg", 200, 100,
			map[image.Point]string{{50, 25}: "red", {150, 75}: "yellow"}},
		{"a PNG stays a PNG", pngOf(t, quadrants(120, 80)), "image/png", 120, 80,
			map[image.Point]string{{30, 20}: "red", {90, 60}: "yellow"}},
		{"a GIF becomes a PNG", gifOf(t, quadrants(60, 40)), "image/png", 60, 40,
			map[image.Point]string{{15, 10}: "red", {45, 30}: "yellow"}},
		{"an opaque WebP becomes a JPEG", webpOpaque, "image/jpeg", 16, 8,
			map[image.Point]string{{3, 4}: "red", {12, 4}: "blue"}},
		{"a transparent WebP becomes a PNG", webpAlpha, "image/png", 8, 8,
			map[image.Point]string{{1, 4}: "green"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := process(t, tc.data)
			r := img.Renditions[len(img.Renditions)-1]
			if r.ContentType != tc.wantType || r.Width != tc.wantW || r.Height != tc.wantH {
				t.Fatalf("largest rendition is %s %d×%d, want %s %d×%d", r.ContentType, r.Width, r.Height, tc.wantType, tc.wantW, tc.wantH)
			}
			m := decodeRendition(t, r)
			for p, want := range tc.wantPixels {
				if got := nearest(m.At(p.X, p.Y)); got != want {
					t.Errorf("pixel %v is %s, want %s", p, got, want)
				}
			}
		})
	}
}

func TestTransparencyIsKept(t *testing.T) {
	for name, data := range map[string][]byte{
		"PNG":  pngOf(t, halfTransparent(700, 100)),
		"WebP": webpAlpha,
	} {
		t.Run(name, func(t *testing.T) {
			img := process(t, data)
			for _, r := range img.Renditions {
				m := decodeRendition(t, r)
				_, _, _, leftA := m.At(r.Width/8, r.Height/2).RGBA()
				_, _, _, rightA := m.At(r.Width*7/8, r.Height/2).RGBA()
				if leftA != 0xffff || rightA != 0 {
					t.Errorf("rendition %d: alpha %#x left and %#x right, want opaque and transparent", r.Width, leftA, rightA)
				}
			}
		})
	}
}

func TestUnsupportedTypesAreRefused(t *testing.T) {
	for name, data := range map[string]string{
		"SVG":                     `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`,
		"SVG without a prolog":    `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
		"PDF":                     "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
		"BMP":                     "BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x18\x00",
		"TIFF":                    "II*\x00\x08\x00\x00\x00\x00\x00",
		"HEIC":                    "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
		"ICO":                     "\x00\x00\x01\x00\x01\x00\x10\x10",
		"HTML":                    "<!doctype html><script>alert(1)</script>",
		"ZIP":                     "PK\x03\x04\x14\x00\x00\x00",
		"text":                    "just some text",
		"two bytes of JPEG magic": "\xff\xd8",
		"a RIFF that is not WebP": "RIFF\x24\x00\x00\x00WAVEfmt ",
	} {
		t.Run(name, func(t *testing.T) {
			img, err := media.Process(strings.NewReader(data), media.DefaultLimits())
			wantRefused(t, img, err, "media.type_unsupported")
		})
	}
}

func TestEmptyFileIsRefused(t *testing.T) {
	img, err := media.Process(strings.NewReader(""), media.DefaultLimits())
	wantRefused(t, img, err, "media.empty")
}

// countingReader is an endless stream of PNG-looking bytes that counts
// what was read from it.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "\x89PNG\r\n\x1a\n"[(c.n+int64(i))%8]
	}
	c.n += int64(len(p))
	return len(p), nil
}

func TestTooLargeFiles(t *testing.T) {
	const max = 10 << 20

	t.Run("10 MB and one byte is refused", func(t *testing.T) {
		data := append(pngOf(t, quadrants(8, 8)), make([]byte, max+1)...)[:max+1]
		img, err := media.Process(bytes.NewReader(data), media.DefaultLimits())
		wantRefused(t, img, err, "media.too_large")
	})

	t.Run("exactly 10 MB is read and judged on its content", func(t *testing.T) {
		data := append(pngOf(t, quadrants(8, 8)), make([]byte, max)...)[:max]
		// A valid PNG padded after its end: decoders stop at IEND.
		if _, err := media.Process(bytes.NewReader(data), media.DefaultLimits()); err != nil {
			t.Fatalf("Process = %v, want it accepted", err)
		}
	})

	t.Run("an endless upload is read no further than the limit and one byte", func(t *testing.T) {
		r := &countingReader{}
		img, err := media.Process(r, media.Limits{MaxBytes: 1000})
		wantRefused(t, img, err, "media.too_large")
		if r.n != 1001 {
			t.Errorf("read %d bytes, want 1001", r.n)
		}
	})
}

func TestDecompressionBombs(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"a PNG claiming 60000×60000", pngBomb(t, 60000, 60000)},
		{"a PNG one row too tall", pngBomb(t, 8000, 5001)},
		{"a JPEG claiming 65500×65500", jpegHeaderOnly(65500, 65500)},
		{"a GIF claiming 65535×65535", gifHeaderOnly(65535, 65535)},
		{"a WebP canvas of 16384×16384", webpCanvasOnly(16384, 16384)},
	} {
		t.Run(tc.name+" is refused before decoding", func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			img, err := media.Process(bytes.NewReader(tc.data), media.DefaultLimits())
			runtime.ReadMemStats(&after)
			wantRefused(t, img, err, "media.too_many_pixels")
			// Reading the file costs about twice its size; decoding the
			// 60000×60000 one would cost 14.4 GB.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20+2*uint64(len(tc.data)) {
				t.Errorf("allocated %d MB refusing a %d KB file", alloc>>20, len(tc.data)>>10)
			}
		})
	}

	t.Run("the pixel limit is inclusive", func(t *testing.T) {
		data := pngOf(t, quadrants(100, 50))
		if _, err := media.Process(bytes.NewReader(data), media.Limits{MaxPixels: 5000}); err != nil {
			t.Errorf("100×50 at a limit of 5000 pixels: %v", err)
		}
		img, err := media.Process(bytes.NewReader(data), media.Limits{MaxPixels: 4999})
		wantRefused(t, img, err, "media.too_many_pixels")
	})
}

const payload = "MARQUEE-PAYLOAD<script>fetch('/steal?'+document.cookie)</script>"

// appendAfterIEND adds bytes after a PNG's last chunk, as a PNG/ZIP or
// PNG/HTML polyglot does.
func appendAfterIEND(pngData []byte, extra string) []byte {
	return append(slices.Clone(pngData), extra...)
}

// withTextChunk adds a tEXt chunk right after a PNG's IHDR.
func withTextChunk(pngData []byte, text string) []byte {
	const afterIHDR = 8 + 8 + 13 + 4
	out := slices.Clone(pngData[:afterIHDR])
	out = append(out, pngChunk("tEXt", []byte("Comment\x00"+text))...)
	return append(out, pngData[afterIHDR:]...)
}

// withGIFComment adds a comment extension after a GIF's header and global
// colour table.
func withGIFComment(t *testing.T, gifData []byte, text string) []byte {
	packed := gifData[10]
	if packed&0x80 == 0 {
		t.Fatal("fixture GIF has no global colour table")
	}
	at := 13 + 3*(1<<(packed&7+1))
	ext := []byte{0x21, 0xfe, byte(len(text))}
	ext = append(append(ext, text...), 0)
	out := slices.Clone(gifData[:at])
	out = append(out, ext...)
	return append(out, gifData[at:]...)
}

func TestPolyglots(t *testing.T) {
	pic := quadrants(64, 48)
	zip := "PK\x03\x04\x14\x00\x00\x00\x08\x00" + payload + "PK\x05\x06"

	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"a PNG with a ZIP appended", appendAfterIEND(pngOf(t, pic), zip)},
		{"a PNG with HTML appended", appendAfterIEND(pngOf(t, pic), "<html>"+payload)},
		{"a PNG with script in a text chunk", withTextChunk(pngOf(t, pic), payload)},
		{"a GIF with script in a comment", withGIFComment(t, gifOf(t, pic), payload)},
		{"a JPEG with script in a comment segment", withSegment(jpegOf(t, pic), 0xfe, []byte(payload))},
		{"a JPEG with HTML after its end", append(jpegOf(t, pic), "<html>"+payload...)},
	} {
		t.Run(tc.name+" is stored as a clean re-encode", func(t *testing.T) {
			if !bytes.Contains(tc.data, []byte(payload)) {
				t.Fatal("fixture lost its payload")
			}
			img := process(t, tc.data)
			for _, r := range img.Renditions {
				for _, bad := range []string{"MARQUEE-PAYLOAD", "<script", "<html", "PK\x03\x04"} {
					if bytes.Contains(r.Data, []byte(bad)) {
						t.Errorf("rendition %d still holds %q", r.Width, bad)
					}
				}
				if got := corners(decodeRendition(t, r)); got != [4]string{"red", "green", "blue", "yellow"} {
					t.Errorf("rendition %d shows %v", r.Width, got)
				}
			}
		})
	}

	for _, tc := range []struct {
		name string
		data string
	}{
		{"PNG magic before an HTML page", "\x89PNG\r\n\x1a\n<html><body>" + payload},
		{"PNG magic before a ZIP", "\x89PNG\r\n\x1a\n" + zip},
		{"a GIF header that is also JavaScript", "GIF89a/*\x0a\x00\x00\x00\x00*/=0;alert('" + payload + "');"},
		{"a JPEG start before a script", "\xff\xd8\xff\xe0\x00\x10JFIF\x00" + payload},
		{"a WebP header before a script", "RIFF\x40\x00\x00\x00WEBPVP8 " + payload},
	} {
		t.Run(tc.name+" is refused as corrupt", func(t *testing.T) {
			img, err := media.Process(strings.NewReader(tc.data), media.DefaultLimits())
			wantRefused(t, img, err, "media.corrupt")
		})
	}
}

func TestEXIFRotatedJPEGWithGPS(t *testing.T) {
	// The camera stored 64×32 pixels and says "turn a quarter clockwise to
	// show": upright, the photo is 32×64, and the stored top-left (red)
	// lands top-right.
	stored := jpegOf(t, quadrants(64, 32))
	upload := withExif(stored, exifTIFF(binary.BigEndian, 6))
	if !bytes.Contains(upload, rationals(binary.BigEndian, gpsLatitude)) {
		t.Fatal("fixture lacks its GPS latitude")
	}

	img := process(t, upload)
	if len(img.Renditions) != 1 {
		t.Fatalf("%d renditions, want 1", len(img.Renditions))
	}
	r := img.Renditions[0]
	if r.Width != 32 || r.Height != 64 || r.ContentType != "image/jpeg" {
		t.Fatalf("rendition is %s %d×%d, want image/jpeg 32×64", r.ContentType, r.Width, r.Height)
	}
	if got := corners(decodeRendition(t, r)); got != [4]string{"blue", "red", "yellow", "green"} {
		t.Errorf("upright corners are %v, want [blue red yellow green]", got)
	}
	for name, bad := range map[string][]byte{
		"the Exif marker":   []byte("Exif"),
		"the GPS latitude":  rationals(binary.BigEndian, gpsLatitude),
		"the GPS longitude": rationals(binary.BigEndian, gpsLongitude),
	} {
		if bytes.Contains(r.Data, bad) {
			t.Errorf("output holds %s", name)
		}
	}
	for _, m := range jpegMarkers(t, r.Data) {
		if m != 0xdb && m != 0xc0 && m != 0xc4 && m != 0xda { // tables, frame, scan
			t.Errorf("output has a segment with marker %#x", m)
		}
	}
}

func TestEveryRenditionOfATurnedPhotoIsUpright(t *testing.T) {
	// Stored 1600×400, shown 400×1600: renditions 320 and 400 wide.
	img := process(t, withExif(jpegOf(t, quadrants(1600, 400)), exifTIFF(binary.LittleEndian, 8)))
	var sizes []image.Point
	for _, r := range img.Renditions {
		sizes = append(sizes, image.Pt(r.Width, r.Height))
		if got := corners(decodeRendition(t, r)); got != [4]string{"green", "yellow", "red", "blue"} {
			t.Errorf("rendition %d: corners %v", r.Width, got)
		}
	}
	if !slices.Equal(sizes, []image.Point{{320, 1280}, {400, 1600}}) {
		t.Errorf("renditions %v, want 320×1280 and 400×1600", sizes)
	}
}

func TestEveryEXIFOrientation(t *testing.T) {
	// Where the stored quarters (red, green, blue, yellow from top-left,
	// in reading order) appear once shown upright, by the EXIF rule that
	// the tag names the screen side of the stored first row and column.
	want := map[uint16][4]string{
		1: {"red", "green", "blue", "yellow"},
		2: {"green", "red", "yellow", "blue"}, // row 0 top, column 0 right
		3: {"yellow", "blue", "green", "red"}, // row 0 bottom, column 0 right
		4: {"blue", "yellow", "red", "green"}, // row 0 bottom, column 0 left
		5: {"red", "blue", "green", "yellow"}, // row 0 left, column 0 top
		6: {"blue", "red", "yellow", "green"}, // row 0 right, column 0 top
		7: {"yellow", "green", "blue", "red"}, // row 0 right, column 0 bottom
		8: {"green", "yellow", "red", "blue"}, // row 0 left, column 0 bottom
		9: {"red", "green", "blue", "yellow"}, // not an orientation: left alone
		0: {"red", "green", "blue", "yellow"}, // ditto
	}
	stored := jpegOf(t, quadrants(64, 32))
	for o, corners4 := range want {
		for _, order := range []byteOrder{binary.BigEndian, binary.LittleEndian} {
			t.Run(fmt.Sprintf("%v orientation %d", order, o), func(t *testing.T) {
				r := process(t, withExif(stored, exifTIFF(order, o))).Renditions[0]
				wantW, wantH := 64, 32
				if 5 <= o && o <= 8 {
					wantW, wantH = 32, 64
				}
				if r.Width != wantW || r.Height != wantH {
					t.Fatalf("%d×%d, want %d×%d", r.Width, r.Height, wantW, wantH)
				}
				if got := corners(decodeRendition(t, r)); got != corners4 {
					t.Errorf("corners %v, want %v", got, corners4)
				}
			})
		}
	}
}

func TestRenditionWidths(t *testing.T) {
	for _, tc := range []struct {
		w, h  int
		wantW []int
		wantH []int
	}{
		{2000, 100, []int{320, 640, 1280}, []int{16, 32, 64}},
		{1000, 75, []int{320, 640, 1000}, []int{24, 48, 75}},
		{640, 48, []int{320, 640}, []int{24, 48}},
		{400, 800, []int{320, 400}, []int{640, 800}},
		{321, 3, []int{320, 321}, []int{3, 3}},
		{100, 40, []int{100}, []int{40}},
		{3000, 1, []int{320, 640, 1280}, []int{1, 1, 1}},
	} {
		t.Run(fmt.Sprintf("%d×%d never upscales", tc.w, tc.h), func(t *testing.T) {
			img := process(t, pngOf(t, image.NewGray(image.Rect(0, 0, tc.w, tc.h))))
			var gotW, gotH []int
			for _, r := range img.Renditions {
				decodeRendition(t, r)
				gotW, gotH = append(gotW, r.Width), append(gotH, r.Height)
			}
			if !slices.Equal(gotW, tc.wantW) || !slices.Equal(gotH, tc.wantH) {
				t.Errorf("renditions %v×%v, want %v×%v", gotW, gotH, tc.wantW, tc.wantH)
			}
		})
	}

	t.Run("custom widths are sorted and cleaned", func(t *testing.T) {
		img, err := media.Process(bytes.NewReader(pngOf(t, quadrants(900, 90))), media.Limits{Widths: []int{800, 0, 100, 800, -5}})
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, r := range img.Renditions {
			got = append(got, r.Width)
		}
		if !slices.Equal(got, []int{100, 800}) {
			t.Errorf("widths %v, want [100 800]", got)
		}
	})
}

func TestGIFFrameKeepsItsPlaceOnTheScreen(t *testing.T) {
	// A 40×20 screen whose only frame is a 10×10 red square at (30, 10).
	pal := color.Palette{color.Transparent, red}
	frame := image.NewPaletted(image.Rect(30, 10, 40, 20), pal)
	for i := range frame.Pix {
		frame.Pix[i] = 1
	}
	var b bytes.Buffer
	err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{frame}, Delay: []int{0},
		Config: image.Config{ColorModel: pal, Width: 40, Height: 20}})
	if err != nil {
		t.Fatal(err)
	}
	r := process(t, b.Bytes()).Renditions[0]
	m := decodeRendition(t, r)
	if r.Width != 40 || r.Height != 20 {
		t.Fatalf("%d×%d, want the 40×20 screen", r.Width, r.Height)
	}
	if _, _, _, a := m.At(5, 5).RGBA(); a != 0 {
		t.Errorf("outside the frame alpha is %#x, want transparent", a)
	}
	if got := nearest(m.At(35, 15)); got != "red" {
		t.Errorf("inside the frame %s, want red", got)
	}
}

func TestIdenticalUploadsGiveIdenticalHashes(t *testing.T) {
	photo := jpegOf(t, quadrants(700, 120))
	a, b := process(t, photo), process(t, bytes.Clone(photo))
	if a.Hash != b.Hash || len(a.Hash) != 64 {
		t.Errorf("hashes %q and %q, want one 64-digit hash", a.Hash, b.Hash)
	}
	t.Run("the same picture without its metadata gets the same hash", func(t *testing.T) {
		if c := process(t, withExif(photo, exifTIFF(binary.LittleEndian, 1))); c.Hash != a.Hash {
			t.Errorf("hash %q with EXIF, %q without", c.Hash, a.Hash)
		}
	})
	t.Run("another picture gets another hash", func(t *testing.T) {
		if c := process(t, jpegOf(t, quadrants(700, 121))); c.Hash == a.Hash {
			t.Error("two pictures share a hash")
		}
	})
	t.Run("other widths give another hash", func(t *testing.T) {
		c, err := media.Process(bytes.NewReader(photo), media.Limits{Widths: []int{400}})
		if err != nil || c.Hash == a.Hash {
			t.Errorf("Process = %v, hash %q", err, c.Hash)
		}
	})
}

func TestReadErrorsAreInternal(t *testing.T) {
	_, err := media.Process(io.MultiReader(strings.NewReader("\x89PNG"), errReader{}), media.DefaultLimits())
	if marquee.ErrorCode(err) != marquee.EINTERNAL {
		t.Errorf("Process = %v, want EINTERNAL", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }
