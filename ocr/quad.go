package ocr

import (
	"image"
	"math"
	"sort"

	"gocv.io/x/gocv"
)

// Aspect ratios of the two document families (CARDS.md §1).
const (
	aspectID      = 85.6 / 54.0 // 1.585
	aspectLicence = 88.0 / 60.0 // 1.467
)

// detectLongSide is the long side of the image the quadrilateral is searched in: corners found
// there are within a few source pixels, which the ROI padding absorbs.
const detectLongSide = 720

// quad is a card outline in source-image pixels, ordered top-left, top-right, bottom-right,
// bottom-left with the top edge a long side of the card.
type quad [4]point

type point struct{ X, Y float64 }

func (q quad) side(i int) float64 {
	a, b := q[i], q[(i+1)%4]
	return math.Hypot(a.X-b.X, a.Y-b.Y)
}

// aspect is the mean long side over the mean short side.
func (q quad) aspect() float64 {
	return (q.side(0) + q.side(2)) / math.Max(1, q.side(1)+q.side(3))
}

func (q quad) area() float64 {
	a := 0.0
	for i := range q {
		j := (i + 1) % 4
		a += q[i].X*q[j].Y - q[j].X*q[i].Y
	}
	return math.Abs(a) / 2
}

// aspectError is how far the quad's aspect is from the nearer document family.
func aspectError(a float64) float64 {
	return math.Min(math.Abs(a/aspectID-1), math.Abs(a/aspectLicence-1))
}

// found is the result of the card search.
type found struct {
	q     quad
	ok    bool // a card-shaped quadrilateral was found (otherwise q is the whole frame)
	frame image.Point
}

// findCard searches the frame for the card outline. It tries edges first (a card on any
// background has a continuous border) and brightness segmentation second (a pale card on a
// busy background whose texture breaks edge contours), and keeps the largest candidate whose
// aspect is within 12 % of a document family (perspective skews the measured aspect).
func findCard(src gocv.Mat) found {
	w, h := src.Cols(), src.Rows()
	f := found{frame: image.Pt(w, h), q: quad{{0, 0}, {float64(w), 0}, {float64(w), float64(h)}, {0, float64(h)}}}
	scale := float64(detectLongSide) / float64(max(w, h))
	if scale > 1 {
		scale = 1
	}
	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(src, &small, image.Pt(int(float64(w)*scale+0.5), int(float64(h)*scale+0.5)), 0, 0, gocv.InterpolationArea)
	gray := gocv.NewMat()
	defer gray.Close()
	gocv.CvtColor(small, &gray, gocv.ColorBGRToGray)
	gocv.GaussianBlur(gray, &gray, image.Pt(5, 5), 0, 0, gocv.BorderDefault)

	var cands []quad
	minArea := 0.04 * float64(small.Cols()*small.Rows())

	edges := gocv.NewMat()
	defer edges.Close()
	gocv.Canny(gray, &edges, 30, 90)
	kernel := gocv.GetStructuringElement(gocv.MorphRect, image.Pt(5, 5))
	defer kernel.Close()
	gocv.Dilate(edges, &edges, kernel)
	cands = append(cands, quadsFrom(edges, minArea)...)

	bin := gocv.NewMat()
	defer bin.Close()
	gocv.Threshold(gray, &bin, 0, 255, gocv.ThresholdBinary|gocv.ThresholdOtsu)
	gocv.MorphologyEx(bin, &bin, gocv.MorphClose, kernel)
	cands = append(cands, quadsFrom(bin, minArea)...)

	best, bestScore := quad{}, 0.0
	for _, q := range cands {
		e := aspectError(q.aspect())
		if e > 0.12 {
			continue
		}
		if s := q.area() * (1 - 2*e); s > bestScore {
			best, bestScore = q, s
		}
	}
	if bestScore == 0 {
		return f
	}
	for i := range best {
		best[i].X /= scale
		best[i].Y /= scale
	}
	f.q, f.ok = best, true
	return f
}

// quadsFrom returns the four-cornered outlines of the large external contours of a binary
// image. A contour that does not simplify to four corners (rounded or partly occluded corners)
// contributes its minimum-area rectangle instead.
func quadsFrom(bin gocv.Mat, minArea float64) []quad {
	contours := gocv.FindContours(bin, gocv.RetrievalExternal, gocv.ChainApproxSimple)
	defer contours.Close()
	var out []quad
	for i := 0; i < contours.Size(); i++ {
		c := contours.At(i)
		if gocv.ContourArea(c) < minArea {
			continue
		}
		approx := gocv.ApproxPolyDP(c, 0.02*gocv.ArcLength(c, true), true)
		pts := approx.ToPoints()
		approx.Close()
		if len(pts) != 4 {
			r := gocv.MinAreaRect(c)
			pts = r.Points
		}
		if len(pts) == 4 {
			out = append(out, orderQuad(pts))
		}
	}
	return out
}

// orderQuad orders four corners clockwise from the top-left and rotates the order so that the
// first edge is a long side of the card: a portrait card (rotated 90° or 270°) is warped
// landscape, leaving only 180° to decide from the content.
func orderQuad(pts []image.Point) quad {
	var cx, cy float64
	for _, p := range pts {
		cx += float64(p.X) / 4
		cy += float64(p.Y) / 4
	}
	ps := make([]point, 4)
	for i, p := range pts {
		ps[i] = point{float64(p.X), float64(p.Y)}
	}
	sort.Slice(ps, func(i, j int) bool {
		return math.Atan2(ps[i].Y-cy, ps[i].X-cx) < math.Atan2(ps[j].Y-cy, ps[j].X-cx)
	})
	// Angles sort from -π: start with the corner nearest the top-left.
	start := 0
	for i, p := range ps {
		if p.X+p.Y < ps[start].X+ps[start].Y {
			start = i
		}
	}
	var q quad
	for i := range q {
		q[i] = ps[(start+i)%4]
	}
	if q.side(0)+q.side(2) < q.side(1)+q.side(3) {
		q = quad{q[1], q[2], q[3], q[0]}
	}
	return q
}

// warp rectifies the quad of src onto a w×h canvas and returns its BGR pixels.
func warp(src gocv.Mat, q quad, w, h int) *bgr {
	srcPts := gocv.NewPoint2fVectorFromPoints([]gocv.Point2f{
		{X: float32(q[0].X), Y: float32(q[0].Y)}, {X: float32(q[1].X), Y: float32(q[1].Y)},
		{X: float32(q[2].X), Y: float32(q[2].Y)}, {X: float32(q[3].X), Y: float32(q[3].Y)},
	})
	defer srcPts.Close()
	dstPts := gocv.NewPoint2fVectorFromPoints([]gocv.Point2f{
		{X: 0, Y: 0}, {X: float32(w), Y: 0}, {X: float32(w), Y: float32(h)}, {X: 0, Y: float32(h)},
	})
	defer dstPts.Close()
	m := gocv.GetPerspectiveTransform2f(srcPts, dstPts)
	defer m.Close()
	out := gocv.NewMat()
	defer out.Close()
	gocv.WarpPerspective(src, &out, m, image.Pt(w, h))
	return bgrFromMat(out)
}
