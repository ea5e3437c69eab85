// Package pickupqrtest reads QR codes back for tests, with
// github.com/makiuchi-d/gozxing (pure Go), so a test can check that the
// code an attendee is shown carries their order's pick-up token. Only tests
// import it.
package pickupqrtest

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Read returns the text of the QR code that fills img (with its quiet
// zone), failing the test when there is none.
func Read(t testing.TB, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}
	res, err := zxingqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatalf("pickupqrtest: no QR code read: %v", err)
	}
	return res.GetText()
}

// ReadPNG is Read for a PNG file's bytes.
func ReadPNG(t testing.TB, data []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("pickupqrtest: not a PNG: %v", err)
	}
	return Read(t, img)
}
