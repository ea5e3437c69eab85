// Package pickupqr draws the QR code of an order's pick-up token
// (storefront.PickupTokens): as SVG path data for the status page and as a
// PNG for the confirmation email. The encoding is
// github.com/yeqown/go-qrcode/v2 (pure Go, no image dependencies); the
// drawing is ours, so the page gets one small path and the email a 1-bit
// PNG.
package pickupqr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// quietZone is the light margin around the code, in modules: the four the
// QR standard asks for, so a reader finds the code on any background.
const quietZone = 4

// Code is a QR code's modules with its quiet zone: Dark[y][x].
type Code struct {
	Dark [][]bool
}

// Encode makes the QR code of text with error correction level M (15%):
// a pick-up token fits version 3, 29 modules a side.
func Encode(text string) (Code, error) {
	q, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return Code{}, fmt.Errorf("pickupqr: %w", err)
	}
	var m matrixWriter
	if err := q.Save(&m); err != nil {
		return Code{}, fmt.Errorf("pickupqr: %w", err)
	}
	n := len(m.bits) + 2*quietZone
	dark := make([][]bool, n)
	for y := range dark {
		dark[y] = make([]bool, n)
		if y >= quietZone && y < n-quietZone {
			copy(dark[y][quietZone:], m.bits[y-quietZone])
		}
	}
	return Code{Dark: dark}, nil
}

// matrixWriter keeps the matrix go-qrcode hands to its writers.
type matrixWriter struct{ bits [][]bool }

func (w *matrixWriter) Write(mat qrcode.Matrix) error { w.bits = mat.Bitmap(); return nil }
func (w *matrixWriter) Close() error                  { return nil }

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
// 1-bit paletted PNG (under 1 KB for a pick-up token).
func (c Code) PNG(scale int) ([]byte, error) {
	n := c.Size() * scale
	img := image.NewPaletted(image.Rect(0, 0, n, n), color.Palette{color.White, color.Black})
	for y, row := range c.Dark {
		for x, dark := range row {
			if !dark {
				continue
			}
			for py := y * scale; py < (y+1)*scale; py++ {
				for px := x * scale; px < (x+1)*scale; px++ {
					img.SetColorIndex(px, py, 1)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img); err != nil {
		return nil, fmt.Errorf("pickupqr: %w", err)
	}
	return b.Bytes(), nil
}
