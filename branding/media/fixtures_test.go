package media_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"sync"
	"testing"
)

// Fixtures are built in code so that each test shows what its file holds.

var (
	red    = color.RGBA{255, 0, 0, 255}
	green  = color.RGBA{0, 255, 0, 255}
	blue   = color.RGBA{0, 0, 255, 255}
	yellow = color.RGBA{255, 255, 0, 255}
)

// quadrants is a w×h image with a red top-left, green top-right, blue
// bottom-left and yellow bottom-right quarter: colours that survive JPEG
// and tell every corner apart.
func quadrants(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := [2][2]color.RGBA{{red, green}, {blue, yellow}}[2*y/h][2*x/w]
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func jpegOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// halfTransparent is w×h, opaque green on the left half and fully
// transparent on the right.
func halfTransparent(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w / 2 {
			m.SetNRGBA(x, y, color.NRGBA{0, 160, 0, 255})
		}
	}
	return m
}

// Two WebP files made once with cwebp 1.2.4 (x/image has no encoder):
// webpOpaque is lossy 16×8, red left half, blue right half; webpAlpha is
// lossless 8×8, green left half, transparent right half.
var (
	webpOpaque = []byte("\x52\x49\x46\x46\x44\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x20\x38\x00\x00\x00\x30\x02\x00\x9d\x01\x2a\x10\x00\x08\x00\x00\xc0\x12\x25\xa0\x02\x74\xba\x01\xf8\x01\xf8\x80\x04\x68\x00\x00\xfe\xfd\x2b\x9f\xff\xdf\xa0\x9b\xff\x77\x9b\xfd\x74\x4b\xcc\xff\xeb\x47\x3f\xfe\xb4\x65\x70\x7f\x5a\x39\xbf\xa0\x00")
	webpAlpha  = []byte("\x52\x49\x46\x46\x1e\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x4c\x11\x00\x00\x00\x2f\x07\xc0\x01\x10\x0f\x30\x80\x11\xf3\x1f\x8c\x3e\x44\xf4\x3f\x00\x00")
)

// pngChunk is one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// pngBomb claims w×h RGBA pixels (60000×60000 is 14.4 GB decoded) and
// carries a real zlib stream of zeros, 8 MB inflated from about 8 KB, so
// that a decoder which trusted the header would start inflating.
func pngBomb(t testing.TB, w, h uint32) []byte {
	t.Helper()
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8 bits, RGBA, deflate, no filter, no interlace
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", zlibZeros())...)
	return append(out, pngChunk("IEND", nil)...)
}

var zlibZeros = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	z, _ := zlib.NewWriterLevel(&b, zlib.BestCompression)
	_, _ = z.Write(make([]byte, 8<<20))
	_ = z.Close()
	return b.Bytes()
})

// jpegHeaderOnly is a JPEG with a baseline frame header claiming w×h grey
// pixels and a scan header, followed by a few bytes of scan.
func jpegHeaderOnly(w, h uint16) []byte {
	b := []byte{0xff, 0xd8, 0xff, 0xc0, 0, 11, 8}
	b = binary.BigEndian.AppendUint16(b, h)
	b = binary.BigEndian.AppendUint16(b, w)
	b = append(b, 1, 1, 0x11, 0)
	b = append(b, 0xff, 0xda, 0, 8, 1, 1, 0x00, 0, 63, 0)
	return append(b, 0x12, 0x34, 0x56, 0xff, 0xd9)
}

// gifHeaderOnly is a GIF whose logical screen is w×h, with no frame.
func gifHeaderOnly(w, h uint16) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	return append(b, 0, 0, 0, 0x3b)
}

// webpCanvasOnly is an extended WebP whose VP8X canvas is w×h.
func webpCanvasOnly(w, h uint32) []byte {
	vp8x := []byte{0, 0, 0, 0}
	vp8x = append(vp8x, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	vp8x = append(vp8x, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	b := []byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00")
	b = append(b, vp8x...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// GPS coordinates in the EXIF fixture: 48°51'29.64"N 2°17'40.08"E.
var (
	gpsLatitude  = []uint32{48, 1, 51, 1, 2964, 100}
	gpsLongitude = []uint32{2, 1, 17, 1, 4008, 100}
)

// byteOrder is binary.BigEndian or binary.LittleEndian, both of whose
// interfaces the EXIF fixture uses.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// rationals encodes EXIF RATIONAL values as stored, to look for them in
// output.
func rationals(order byteOrder, v []uint32) []byte {
	var b []byte
	for _, x := range v {
		b = order.AppendUint32(b, x)
	}
	return b
}

// exifTIFF is EXIF data as a camera writes it: IFD0 holds the orientation
// and a pointer to a GPS IFD with latitude and longitude.
func exifTIFF(order byteOrder, orientation uint16) []byte {
	var b []byte
	if order == binary.LittleEndian {
		b = []byte("II*\x00")
	} else {
		b = []byte("MM\x00*")
	}
	u16 := func(v uint16) { b = order.AppendUint16(b, v) }
	u32 := func(v uint32) { b = order.AppendUint32(b, v) }
	entry := func(tag, typ uint16, count, value uint32) { u16(tag); u16(typ); u32(count); u32(value) }
	short := func(v uint16) uint32 { // a SHORT sits left-aligned in the value field
		var x [4]byte
		order.PutUint16(x[:], v)
		return order.Uint32(x[:])
	}
	ascii := func(s string) uint32 { var x [4]byte; copy(x[:], s); return order.Uint32(x[:]) }

	const ifd0, gpsIFD, gpsData = 8, 8 + 2 + 2*12 + 4, 8 + 2 + 2*12 + 4 + 2 + 4*12 + 4
	u32(ifd0)
	u16(2)
	entry(0x0112, 3, 1, short(orientation)) // Orientation
	entry(0x8825, 4, 1, gpsIFD)             // GPSInfo IFD pointer
	u32(0)
	u16(4)
	entry(1, 2, 2, ascii("N"))  // GPSLatitudeRef
	entry(2, 5, 3, gpsData)     // GPSLatitude
	entry(3, 2, 2, ascii("E"))  // GPSLongitudeRef
	entry(4, 5, 3, gpsData+3*8) // GPSLongitude
	u32(0)
	b = append(b, rationals(order, gpsLatitude)...)
	return append(b, rationals(order, gpsLongitude)...)
}

// withSegment inserts a marker segment right after a JPEG's SOI.
func withSegment(jpg []byte, marker byte, payload []byte) []byte {
	seg := []byte{0xff, marker}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// withExif gives a JPEG an APP1 EXIF segment.
func withExif(jpg []byte, tiff []byte) []byte {
	return withSegment(jpg, 0xe1, append([]byte("Exif\x00\x00"), tiff...))
}

// jpegMarkers lists the marker of every segment before a JPEG's first scan.
func jpegMarkers(t *testing.T, jpg []byte) []byte {
	t.Helper()
	var markers []byte
	for p := 2; p+4 <= len(jpg); {
		if jpg[p] != 0xff {
			t.Fatalf("no marker at %d", p)
		}
		m := jpg[p+1]
		markers = append(markers, m)
		if m == 0xda {
			return markers
		}
		p += 2 + int(binary.BigEndian.Uint16(jpg[p+2:]))
	}
	t.Fatal("no start of scan")
	return nil
}

// nearest names which quadrant colour c is closest to.
func nearest(c color.Color) string {
	r, g, b, _ := c.RGBA()
	best, name := uint32(1<<32-1), ""
	for n, q := range map[string]color.RGBA{"red": red, "green": green, "blue": blue, "yellow": yellow} {
		d := sq(r>>8, uint32(q.R)) + sq(g>>8, uint32(q.G)) + sq(b>>8, uint32(q.B))
		if d < best {
			best, name = d, n
		}
	}
	return name
}

func sq(a, b uint32) uint32 {
	d := int(a) - int(b)
	return uint32(d * d)
}

// corners names the colours at the centres of an image's four quarters:
// top-left, top-right, bottom-left, bottom-right.
func corners(m image.Image) [4]string {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	at := func(x, y int) string { return nearest(m.At(b.Min.X+x, b.Min.Y+y)) }
	return [4]string{at(w/4, h/4), at(3*w/4, h/4), at(w/4, 3*h/4), at(3*w/4, 3*h/4)}
}
