//go:build ignore

// draw.go paints the test photos of the profiles in eval/testdata (no
// camera, no licence question, no metadata). They are simple shapes, but a
// vision model still tells what they show, which is what the photo_match
// judge needs. Run from eval/: go run ./testdata/photos/draw.go
package main

import (
	"image"
	"image/color"
	"image/jpeg"
	"log"
	"math"
	"math/rand"
	"os"
	"path/filepath"
)

func main() {
	out := filepath.Join("testdata", "photos", "doceria-raiz-brigadeiros.jpg")
	img := brigadeiroBox(480, 360)
	f, err := os.Create(out)
	if err != nil {
		log.Fatal(err)
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 80}); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// brigadeiroBox: twelve orange brigadeiros (pumpkin) rolled in toasted
// coconut, in dark paper cups, in a kraft box on a wooden table.
func brigadeiroBox(w, h int) *image.RGBA {
	rng := rand.New(rand.NewSource(7))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			grain := 12 * math.Sin(float64(y)/5+math.Sin(float64(x)/40)*2)
			img.Set(x, y, shade(color.RGBA{150, 100, 60, 255}, grain))
		}
	}
	box := image.Rect(50, 40, w-50, h-40)
	fill(img, box, color.RGBA{205, 170, 120, 255})
	fill(img, box.Inset(10), color.RGBA{225, 195, 150, 255})
	cols, rows := 4, 3
	cw, rh := box.Inset(10).Dx()/cols, box.Inset(10).Dy()/rows
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			cx := box.Min.X + 10 + c*cw + cw/2
			cy := box.Min.Y + 10 + r*rh + rh/2
			disc(img, cx, cy+4, 36, func(float64) color.RGBA { return color.RGBA{70, 35, 20, 255} })
			disc(img, cx, cy, 30, func(d float64) color.RGBA {
				return shade(color.RGBA{235, 125, 35, 255}, 30-60*d)
			})
			for i := 0; i < 40; i++ {
				a, d := rng.Float64()*2*math.Pi, 28*math.Sqrt(rng.Float64())
				x, y := cx+int(d*math.Cos(a)), cy+int(d*math.Sin(a))
				img.Set(x, y, color.RGBA{250, 235, 205, 255})
				img.Set(x+1, y, color.RGBA{170, 110, 60, 255})
			}
		}
	}
	return img
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.Set(x, y, c)
		}
	}
}

// disc paints a filled circle; colour gets the distance from the light
// (upper left), 0 to 1, for a little volume.
func disc(img *image.RGBA, cx, cy, radius int, colour func(float64) color.RGBA) {
	for y := -radius; y <= radius; y++ {
		for x := -radius; x <= radius; x++ {
			if x*x+y*y > radius*radius {
				continue
			}
			lx, ly := float64(x+radius/3), float64(y+radius/3)
			d := math.Min(1, math.Sqrt(lx*lx+ly*ly)/float64(2*radius))
			img.Set(cx+x, cy+y, colour(d))
		}
	}
}

func shade(c color.RGBA, by float64) color.RGBA {
	clamp := func(v float64) uint8 { return uint8(math.Max(0, math.Min(255, v))) }
	return color.RGBA{clamp(float64(c.R) + by), clamp(float64(c.G) + by), clamp(float64(c.B) + by), 255}
}
