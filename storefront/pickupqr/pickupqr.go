// Package pickupqr draws the QR code of an order's pick-up token
// (storefront.PickupTokens): as SVG path data for the status page and as a
// PNG for the confirmation email. The encoding is rsc.io/qr (pure Go, no
// dependencies), which uses one mask pattern instead of trying all eight
// for the "best": readers read any mask, and a code costs about a tenth of
// the CPU (every status page and confirmation draws one); the drawing is
// ours, so the page gets one small path and the email a 1-bit PNG.
package pickupqr

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
	"sync"

	"rsc.io/qr/coding"
)

// quietZone is the light margin around the code, in modules: the four the
// QR standard asks for, so a reader finds the code on any background.
const quietZone = 4

// Code is a QR code's modules with its quiet zone: Dark[y][x].
type Code struct {
	Dark [][]bool
}

// Encode makes the QR code of text with error correction level M (15%):
// a pick-up token fits version 3, 29 modules a side. It is qr.Encode's
// code, module for module, with the version's plan (the layout of its
// modules) made once and kept: making it was most of a code's
// allocations (about 15 KB a code, every status page and confirmation).
func Encode(text string) (Code, error) {
	// The data's encoding, smallest first, and the smallest version that
	// holds it, as qr.Encode picks them.
	var enc coding.Encoding
	switch {
	case coding.Num(text).Check() == nil:
		enc = coding.Num(text)
	case coding.Alpha(text).Check() == nil:
		enc = coding.Alpha(text)
	default:
		enc = coding.String(text)
	}
	v := coding.Version(coding.MinVersion)
	for ; v <= coding.MaxVersion && enc.Bits(v) > v.DataBytes(coding.M)*8; v++ {
	}
	if v > coding.MaxVersion {
		return Code{}, errors.New("pickupqr: text too long to encode as QR")
	}
	p, err := planOf(v)
	if err != nil {
		return Code{}, fmt.Errorf("pickupqr: %w", err)
	}
	q, err := p.Encode(enc)
	if err != nil {
		return Code{}, fmt.Errorf("pickupqr: %w", err)
	}
	n := q.Size + 2*quietZone
	dark := make([][]bool, n)
	cells := make([]bool, n*n)
	for y := range dark {
		dark[y] = cells[y*n : (y+1)*n]
		if y < quietZone || y >= n-quietZone {
			continue
		}
		row := q.Bitmap[(y-quietZone)*q.Stride:]
		for x := 0; x < q.Size; x++ {
			dark[y][quietZone+x] = row[x/8]&(1<<uint(7-x&7)) != 0
		}
	}
	return Code{Dark: dark}, nil
}

// plans are the plans made so far, by version (level M, mask 0, as
// qr.Encode uses): a plan is only read when it encodes.
var plans sync.Map

func planOf(v coding.Version) (*coding.Plan, error) {
	if p, ok := plans.Load(v); ok {
		return p.(*coding.Plan), nil
	}
	p, err := coding.NewPlan(v, coding.M, 0)
	if err != nil {
		return nil, err
	}
	p2, _ := plans.LoadOrStore(v, p)
	return p2.(*coding.Plan), nil
}

// Size is the code's side in modules, quiet zone included: an SVG's
// viewBox.
func (c Code) Size() int { return len(c.Dark) }

// Path is SVG path data drawing the dark modules of a code whose viewBox is
// 0 0 Size Size, one rectangle per run of dark modules in a row: about
// 2 KB for a pick-up token.
func (c Code) Path() string {
	var b strings.Builder
	for y, row := range c.Dark {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			b.WriteString("M" + strconv.Itoa(x) + " " + strconv.Itoa(y) + "h" + strconv.Itoa(run) + "v1h-" + strconv.Itoa(run) + "z")
			x += run
		}
	}
	return b.String()
}

// PNG draws the code with scale pixels a module, black on white, as a
// 1-bit grayscale PNG (under 1 KB for a pick-up token). It writes the PNG
// itself: image/png reads a 1-bit image pixel by pixel through an
// interface, which was most of a confirmation email's CPU.
func (c Code) PNG(scale int) ([]byte, error) {
	n := c.Size() * scale
	stride := (n + 7) / 8
	raw := make([]byte, n*(1+stride)) // each pixel row: its filter type, then its bits
	for y, row := range c.Dark {
		line := raw[y*scale*(1+stride) : (y*scale+1)*(1+stride)]
		bits := line[1:]
		for i := range bits {
			bits[i] = 0xff // white is 1 in grayscale
		}
		for x, dark := range row {
			if !dark {
				continue
			}
			for px := x * scale; px < (x+1)*scale; px++ {
				bits[px/8] &^= 0x80 >> (px % 8)
			}
		}
		for py := 1; py < scale; py++ { // the module row's other pixel rows repeat it:
			raw[(y*scale+py)*(1+stride)] = 2 // filter type Up, and bytes of 0 (the same as the row above)
		}
	}
	var z bytes.Buffer
	zw, _ := zlibWriters.Get().(*zlib.Writer)
	if zw == nil {
		// The repeated rows are all zeros under the Up filter, so the
		// fastest level compresses about as small as the default, in
		// half the time.
		zw, _ = zlib.NewWriterLevel(&z, zlib.BestSpeed) // a valid level: no error
	} else {
		zw.Reset(&z)
	}
	defer zlibWriters.Put(zw)
	if _, err := zw.Write(raw); err != nil {
		return nil, fmt.Errorf("pickupqr: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("pickupqr: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(n))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(n))
	ihdr[8], ihdr[9] = 1, 0 // bit depth 1, grayscale; compression, filter, interlace 0
	chunk(&b, "IHDR", ihdr[:])
	chunk(&b, "IDAT", z.Bytes())
	chunk(&b, "IEND", nil)
	return b.Bytes(), nil
}

// zlibWriters keeps compressors between codes: a new one allocates most of
// a megabyte.
var zlibWriters sync.Pool

// chunk writes a PNG chunk: length, type, data, CRC of type and data.
func chunk(b *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	b.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	b.WriteString(typ)
	b.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	b.Write(n[:])
}
