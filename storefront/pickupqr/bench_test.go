package pickupqr

import "testing"

// token has the shape and length of a pick-up token.
const token = "MQP1.A7K3-9QX2.abcdefghijklmnopqrstuv"

// BenchmarkEncodePath: a status page's code (rsc.io/qr, one mask: about a
// tenth of go-qrcode's eight tried). BenchmarkEncodePNG: a confirmation's.
func BenchmarkEncodePath(b *testing.B) {
	for i := 0; i < b.N; i++ {
		c, err := Encode(token)
		if err != nil {
			b.Fatal(err)
		}
		_ = c.Path()
	}
}

func BenchmarkEncodePNG(b *testing.B) {
	for i := 0; i < b.N; i++ {
		c, err := Encode(token)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.PNG(6); err != nil {
			b.Fatal(err)
		}
	}
}
