package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strconv"

	"github.com/google/uuid"
	"golang.org/x/image/vector"

	"marquee/branding"
	"marquee/branding/media"
)

// The demo events' product pictures: flat illustrations drawn here in each
// event's colours, then stored the way a staff upload is (media.Process,
// then media.Save), so the demo shows real photos through the real path.

// demoImageSize is the side of a drawn picture, in pixels: sharp on a
// phone's card two to a row; the drawings are made on a 640-pixel grid.
const demoImageSize = 480

// pen draws on the rasterizer in the 640-pixel grid's coordinates.
type pen struct{ z *vector.Rasterizer }

const penScale = float32(demoImageSize) / 640

func (p pen) MoveTo(x, y float32) { p.z.MoveTo(x*penScale, y*penScale) }
func (p pen) LineTo(x, y float32) { p.z.LineTo(x*penScale, y*penScale) }
func (p pen) QuadTo(bx, by, x, y float32) {
	p.z.QuadTo(bx*penScale, by*penScale, x*penScale, y*penScale)
}
func (p pen) CubeTo(bx, by, cx, cy, x, y float32) {
	p.z.CubeTo(bx*penScale, by*penScale, cx*penScale, cy*penScale, x*penScale, y*penScale)
}

// demoArt draws one product on a canvas.
type demoArt func(c *canvas, p palette)

// demoArts are the pictures by name, as demoEvent products name them.
var demoArts = map[string]demoArt{
	"tshirt": drawTShirt, "hoodie": drawHoodie, "socks": drawSocks, "cube": drawCube,
	"pen": drawPen, "mug": drawMug, "tote": drawTote,
}

// storeDemoImage draws art in colours and stores it for tenantID as an
// upload would be; it returns the key of its largest rendition.
func storeDemoImage(ctx context.Context, store media.Store, tenantID uuid.UUID, art demoArt, colours branding.Colours) (string, error) {
	c := newCanvas(colours)
	art(c, c.p)
	var buf bytes.Buffer
	if err := png.Encode(&buf, c.img); err != nil {
		return "", err
	}
	img, err := media.Process(&buf, media.DefaultLimits())
	if err != nil {
		return "", err
	}
	keys, err := media.Save(ctx, store, tenantID, img)
	if err != nil {
		return "", err
	}
	return keys[demoImageSize], nil
}

// palette is an event's colours as the pictures use them.
type palette struct {
	primary, accent, light, dark, backdrop, shadow, deep color.RGBA
}

// canvas is a picture being drawn with anti-aliased shapes.
type canvas struct {
	img *image.RGBA
	z   vector.Rasterizer
	p   palette
}

func newCanvas(cs branding.Colours) *canvas {
	bg, text, primary := hexColour(cs.Background), hexColour(cs.Text), hexColour(cs.Primary)
	p := palette{primary: primary, accent: hexColour(cs.Accent), light: mix(bg, primary, .05), dark: text,
		backdrop: mix(bg, primary, .1), shadow: mix(bg, text, .18), deep: mix(primary, text, .35)}
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, demoImageSize, demoImageSize)), p: p}
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(p.backdrop), image.Point{}, draw.Src)
	return c
}

// hexColour reads a colour validated as #rrggbb.
func hexColour(s string) color.RGBA {
	v, _ := strconv.ParseUint(s[1:], 16, 32)
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}
}

// mix is a blended t of the way from a to b.
func mix(a, b color.RGBA, t float64) color.RGBA {
	m := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-t) + float64(y)*t)) }
	return color.RGBA{R: m(a.R, b.R), G: m(a.G, b.G), B: m(a.B, b.B), A: 255}
}

// fill paints the path that trace draws in col.
func (c *canvas) fill(col color.RGBA, trace func(z *pen)) {
	c.z.Reset(demoImageSize, demoImageSize)
	trace(&pen{&c.z})
	c.z.ClosePath()
	c.z.Draw(c.img, c.img.Bounds(), image.NewUniform(col), image.Point{})
}

// poly fills the polygon through the points (x, y pairs).
func (c *canvas) poly(col color.RGBA, pts ...float32) {
	c.fill(col, func(z *pen) {
		z.MoveTo(pts[0], pts[1])
		for i := 2; i+1 < len(pts); i += 2 {
			z.LineTo(pts[i], pts[i+1])
		}
	})
}

// ellipse fills the ellipse centred on (cx, cy), with four cubic arcs.
func (c *canvas) ellipse(col color.RGBA, cx, cy, rx, ry float32) {
	const k = 0.5523 // the control points' distance of a quarter circle
	c.fill(col, func(z *pen) {
		z.MoveTo(cx+rx, cy)
		z.CubeTo(cx+rx, cy+k*ry, cx+k*rx, cy+ry, cx, cy+ry)
		z.CubeTo(cx-k*rx, cy+ry, cx-rx, cy+k*ry, cx-rx, cy)
		z.CubeTo(cx-rx, cy-k*ry, cx-k*rx, cy-ry, cx, cy-ry)
		z.CubeTo(cx+k*rx, cy-ry, cx+rx, cy-k*ry, cx+rx, cy)
	})
}

// rect fills a rectangle with corners rounded by r.
func (c *canvas) rect(col color.RGBA, x, y, w, h, r float32) {
	c.fill(col, func(z *pen) {
		z.MoveTo(x+r, y)
		z.LineTo(x+w-r, y)
		z.QuadTo(x+w, y, x+w, y+r)
		z.LineTo(x+w, y+h-r)
		z.QuadTo(x+w, y+h, x+w-r, y+h)
		z.LineTo(x+r, y+h)
		z.QuadTo(x, y+h, x, y+h-r)
		z.LineTo(x, y+r)
		z.QuadTo(x, y, x+r, y)
	})
}

// floor is the shadow a product stands on.
func (c *canvas) floor(width float32) { c.ellipse(c.p.shadow, 320, 575, width, 20) }

func drawTShirt(c *canvas, p palette) {
	c.floor(170)
	c.fill(p.primary, func(z *pen) {
		z.MoveTo(250, 110)
		z.LineTo(165, 140)
		z.LineTo(80, 235)
		z.LineTo(150, 300)
		z.LineTo(200, 255)
		z.LineTo(200, 550)
		z.LineTo(440, 550)
		z.LineTo(440, 255)
		z.LineTo(490, 300)
		z.LineTo(560, 235)
		z.LineTo(475, 140)
		z.LineTo(390, 110)
		z.QuadTo(320, 190, 250, 110)
	})
	c.fill(p.accent, func(z *pen) { // the collar
		z.MoveTo(250, 110)
		z.QuadTo(320, 190, 390, 110)
		z.LineTo(372, 104)
		z.QuadTo(320, 160, 268, 104)
	})
	c.poly(p.deep, 150, 300, 200, 255, 200, 272, 160, 308) // the sleeves' hems
	c.poly(p.deep, 490, 300, 440, 255, 440, 272, 480, 308)
	c.ellipse(p.accent, 320, 300, 44, 44) // the event's badge on the chest
	c.ellipse(p.primary, 320, 300, 20, 20)
}

func drawHoodie(c *canvas, p palette) {
	c.floor(175)
	c.ellipse(p.deep, 320, 150, 100, 78) // the hood behind
	c.poly(p.primary, 230, 140, 170, 165, 100, 470, 165, 488, 212, 290, 205, 550, 435, 550, 428, 290, 475, 488, 540, 470, 470, 165, 410, 140)
	c.ellipse(p.dark, 320, 168, 52, 42) // the hood's opening
	c.rect(p.accent, 205, 522, 230, 28, 4)
	c.poly(p.accent, 100, 470, 165, 488, 160, 510, 96, 492) // the cuffs
	c.poly(p.accent, 540, 470, 475, 488, 480, 510, 544, 492)
	c.poly(p.deep, 245, 400, 395, 400, 415, 490, 225, 490) // the pocket
	c.rect(p.light, 296, 205, 8, 90, 4)                    // the strings
	c.rect(p.light, 336, 205, 8, 90, 4)
	c.ellipse(p.light, 300, 298, 9, 9)
	c.ellipse(p.light, 340, 298, 9, 9)
}

// sock draws one sock with its top at (x, y).
func sock(c *canvas, body, stripe color.RGBA, x, y float32) {
	c.fill(body, func(z *pen) {
		z.MoveTo(x, y)
		z.LineTo(x+110, y)
		z.LineTo(x+110, y+250)
		z.CubeTo(x+210, y+262, x+222, y+360, x+150, y+362)
		z.LineTo(x+40, y+362)
		z.CubeTo(x-8, y+362, x, y+320, x, y+290)
	})
	c.rect(stripe, x, y+26, 110, 22, 0)
	c.rect(stripe, x, y+64, 110, 12, 0)
}

func drawSocks(c *canvas, p palette) {
	c.floor(190)
	sock(c, p.primary, p.accent, 150, 110)
	sock(c, p.accent, p.primary, 320, 160)
}

func drawCube(c *canvas, p palette) {
	c.floor(150)
	top, left, right := [2]float32{320, 150}, [2]float32{165, 240}, [2]float32{475, 240}
	mid, bottom := [2]float32{320, 330}, [2]float32{320, 520}
	c.poly(p.dark, top[0], top[1], right[0], right[1], right[0], right[1]+190, bottom[0], bottom[1], left[0], left[1]+190, left[0], left[1])
	colours := []color.RGBA{p.primary, p.accent, p.light, p.deep}
	face := func(o, u, v [2]float32, seed int) {
		for i := range 3 {
			for j := range 3 {
				at := func(a, b float32) (float32, float32) {
					return o[0] + a*u[0] + b*v[0], o[1] + a*u[1] + b*v[1]
				}
				a0, b0, a1, b1 := (float32(i)+.08)/3, (float32(j)+.08)/3, (float32(i)+.92)/3, (float32(j)+.92)/3
				x0, y0 := at(a0, b0)
				x1, y1 := at(a1, b0)
				x2, y2 := at(a1, b1)
				x3, y3 := at(a0, b1)
				c.poly(colours[(i*5+j*3+seed)%len(colours)], x0, y0, x1, y1, x2, y2, x3, y3)
			}
		}
	}
	vec := func(a, b [2]float32) [2]float32 { return [2]float32{b[0] - a[0], b[1] - a[1]} }
	face(left, vec(left, top), vec(left, mid), 0)                                                      // the top
	face(left, vec(left, mid), [2]float32{0, 190}, 1)                                                  // the left side
	face(mid, vec(mid, right), vec(mid, bottom), 2)                                                    // the right side
	c.poly(p.dark, mid[0]-2, mid[1], mid[0]+2, mid[1], bottom[0]+2, bottom[1], bottom[0]-2, bottom[1]) // the edge
}

func drawPen(c *canvas, p palette) {
	c.floor(180)
	// Along an axis from the lower left to the upper right: u along, v across.
	ax, ay, dx, dy := float32(150), float32(500), float32(math.Sqrt2/2), float32(-math.Sqrt2/2)
	at := func(u, v float32) (float32, float32) { return ax + u*dx - v*dy, ay + u*dy + v*dx }
	band := func(col color.RGBA, u0, u1, v0, v1 float32) {
		x0, y0 := at(u0, v0)
		x1, y1 := at(u1, v0)
		x2, y2 := at(u1, v1)
		x3, y3 := at(u0, v1)
		c.poly(col, x0, y0, x1, y1, x2, y2, x3, y3)
	}
	tx, ty := at(0, 0)
	x1, y1 := at(60, -22)
	x2, y2 := at(60, 22)
	c.poly(p.shadow, tx, ty, x1, y1, x2, y2) // the cone
	band(p.dark, -6, 16, -5, 5)              // the tip
	band(p.primary, 60, 440, -22, 22)
	band(p.deep, 70, 150, -22, 22) // the grip
	band(p.accent, 440, 462, -18, 18)
	band(p.accent, 320, 430, 22, 34) // the clip
}

func drawMug(c *canvas, p palette) {
	c.floor(160)
	for i, h := range []float32{60, 80, 60} { // steam
		c.rect(p.light, 262+float32(i)*48, 150-h+40, 14, h, 7)
	}
	c.ellipse(p.deep, 425, 365, 80, 92) // the handle
	c.ellipse(p.backdrop, 425, 365, 44, 56)
	c.rect(p.primary, 195, 210, 230, 330, 28)
	c.ellipse(p.deep, 310, 214, 115, 20) // the rim
	c.ellipse(p.dark, 310, 216, 100, 13)
	c.rect(p.accent, 195, 320, 230, 46, 0)
}

func drawTote(c *canvas, p palette) {
	c.floor(175)
	c.ellipse(p.deep, 320, 270, 92, 150) // the handles
	c.ellipse(p.backdrop, 320, 270, 72, 130)
	c.poly(p.primary, 175, 250, 465, 250, 490, 555, 150, 555)
	c.rect(p.deep, 175, 250, 290, 16, 0)
	c.ellipse(p.accent, 320, 410, 70, 70) // the print
	c.ellipse(p.primary, 320, 410, 32, 32)
}
