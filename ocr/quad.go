package ocr

import (
	"image"
	"image/color"
	"math"
	"slices"
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

// findCard searches the frame for the card outline. Among the candidate outlines (see
// candidates) whose aspect is within 12 % of a document family (perspective skews the measured
// aspect) it keeps the largest with a change of colour across its sides: a blob of background
// can have a card's aspect, but the same texture on both sides of its outline.
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

	blurred := gocv.NewMat()
	defer blurred.Close()
	gocv.GaussianBlur(small, &blurred, image.Pt(5, 5), 0, 0, gocv.BorderDefault)
	support := borderContrast{pix: blurred.ToBytes(), w: blurred.Cols(), h: blurred.Rows()}
	cands, bodies, cuts := candidates(small)
	best, ok := pickQuad(cands, bodies, support.of, float64(small.Cols()*small.Rows()))
	if !ok {
		return f
	}
	if cut, ok := cuts[best]; ok && rowSharpness(small, cut) > cutGain*rowSharpness(small, best) {
		best = cut
	}
	for i := range best {
		best[i].X /= scale
		best[i].Y /= scale
	}
	f.q, f.ok = best, true
	return f
}

// candidates returns the card-shaped outlines of a BGR frame. Edges come first (a card on any
// background has a continuous border), then brightness segmentation (a pale card on a busy
// background whose texture breaks edge contours). In a dark photo, bodies are the outlines
// of the card found as a body (see darkBody), to be tried around a portrait (see pickQuad).
// Where a hull cut off a corner of the card (see cutCorner), cuts holds the outline through
// that corner, by the hull's.
func candidates(frame gocv.Mat) (cands, bodies []quad, cuts map[quad]quad) {
	gray := gocv.NewMat()
	defer gray.Close()
	gocv.CvtColor(frame, &gray, gocv.ColorBGRToGray)
	gocv.GaussianBlur(gray, &gray, image.Pt(5, 5), 0, 0, gocv.BorderDefault)
	// Stretch a dark photo to the full range, so that the edge thresholds below find its
	// border as they would in daylight.
	dark := false
	if mean := gray.Mean(); mean.Val1 < 80 {
		gocv.Normalize(gray, &gray, 0, 255, gocv.NormMinMax)
		dark = true
	}
	minArea := 0.04 * float64(gray.Cols()*gray.Rows())
	cuts = map[quad]quad{}

	kernel := gocv.GetStructuringElement(gocv.MorphRect, image.Pt(5, 5))
	defer kernel.Close()
	edges := gocv.NewMat()
	defer edges.Close()
	// A textured background joins the card's border to its own edges at low thresholds; its
	// soft gradients drop out at a high one while the card's sharp border stays.
	for _, th := range [][2]float32{{30, 90}, {80, 240}} {
		gocv.Canny(gray, &edges, th[0], th[1])
		gocv.Dilate(edges, &edges, kernel)
		cands = append(cands, quadsFrom(edges, minArea, cuts)...)
	}

	// A faint border (a pale card on a pale background) breaks into pieces: smooth the
	// texture away with a median, then close the gaps between the pieces. A dark photo,
	// stretched, is mostly noise: a wider median and higher thresholds leave only the border.
	// (The wider median is the first one smoothed again by a small one: a single 9×9 median
	// costs several times more.)
	wide := gocv.GetStructuringElement(gocv.MorphRect, image.Pt(15, 15))
	defer wide.Close()
	smooth := gocv.NewMat()
	defer smooth.Close()
	for _, m := range []struct {
		size   int
		lo, hi float32
	}{{7, 20, 60}, {5, 50, 150}} {
		if smooth.Empty() {
			gocv.MedianBlur(gray, &smooth, m.size)
		} else {
			gocv.MedianBlur(smooth, &smooth, m.size)
		}
		gocv.Canny(smooth, &edges, m.lo, m.hi)
		gocv.MorphologyEx(edges, &edges, gocv.MorphClose, wide)
		cands = append(cands, quadsFrom(edges, minArea, cuts)...)
		// Where the gaps are too wide to close, the pieces still lie on the card's outline:
		// the hull of all of them is the card when the background has no edges of its own.
		if q, ok := hullOfParts(edges, minArea, cuts); ok {
			cands = append(cands, q)
		}
	}

	bin := gocv.NewMat()
	defer bin.Close()
	gocv.Threshold(gray, &bin, 0, 255, gocv.ThresholdBinary|gocv.ThresholdOtsu)
	gocv.MorphologyEx(bin, &bin, gocv.MorphClose, kernel)
	cands = append(cands, quadsFrom(bin, minArea, cuts)...)
	// A card darker than its background is the dark class.
	gocv.BitwiseNot(bin, &bin)
	cands = append(cands, quadsFrom(bin, minArea, cuts)...)
	if dark {
		bodies = darkBody(gray, wide, minArea)
	}
	return cands, bodies, cuts
}

// darkBody finds a dark photo's card as a body rather than an outline: the stretched noise
// leaves spurs on the border's edges that pull a hull's corners out. The stretched frame is
// smoothed once more, its edges closed and filled, and the fill opened by a kernel an 18th of
// the frame's height, wider than any spur. Only a body of a card's own shape is kept: not one
// merged with a patch of background, nor one reaching the frame's edge (bodyEdge of its
// size), which is background filled up to the frame.
func darkBody(gray gocv.Mat, closeK gocv.Mat, minArea float64) []quad {
	sm := gocv.NewMat()
	defer sm.Close()
	gocv.GaussianBlur(gray, &sm, image.Pt(5, 5), 0, 0, gocv.BorderDefault)
	gocv.MedianBlur(sm, &sm, 7)
	gocv.MedianBlur(sm, &sm, 5)
	edges := gocv.NewMat()
	defer edges.Close()
	gocv.Canny(sm, &edges, 20, 60)
	gocv.MorphologyEx(edges, &edges, gocv.MorphClose, closeK)
	contours := gocv.FindContours(edges, gocv.RetrievalExternal, gocv.ChainApproxSimple)
	defer contours.Close()
	filled := gocv.NewMatWithSize(edges.Rows(), edges.Cols(), gocv.MatTypeCV8U)
	defer filled.Close()
	gocv.DrawContours(&filled, contours, -1, color.RGBA{255, 255, 255, 0}, -1)
	k := gocv.GetStructuringElement(gocv.MorphRect, image.Pt(edges.Rows()/18|1, edges.Rows()/18|1))
	defer k.Close()
	gocv.MorphologyEx(filled, &filled, gocv.MorphOpen, k)
	w, h := float64(edges.Cols()), float64(edges.Rows())
	atEdge := func(p point) bool {
		mx, my := bodyEdge*w, bodyEdge*h
		return p.X < mx || p.Y < my || p.X > w-1-mx || p.Y > h-1-my
	}
	return slices.DeleteFunc(quadsFrom(filled, minArea, nil), func(q quad) bool {
		return aspectError(q.aspect()) > bodyAspect || slices.ContainsFunc(q[:], atEdge)
	})
}

// bodyEdge is the share of the frame's width or height within which a corner of a dark
// photo's card found as a body is at the frame's edge.
const bodyEdge = 0.01

// minSupport is the share of a candidate's outline that must separate two different colours
// for it to be preferred: a real card's border shows along most of its length even when a
// hand, glare or a similar background hides part of it.
const minSupport = 0.6

// pickQuad chooses the card among candidate outlines and bodies (of a dark photo's card): the
// largest (weighted by how close its aspect is to a document's) of those with support, else of
// all of them, so that a card whose border cannot be seen at all is still tried; but a body
// around a supported outline of a portrait's size (a share portraitArea of the frame's area)
// is the card.
func pickQuad(cands, bodies []quad, supportOf func(quad) float64, frameArea float64) (quad, bool) {
	best, bestScore := quad{}, 0.0
	bestSupported, bestSupportedScore, bestSupport := quad{}, 0.0, 0.0
	type scored struct {
		q      quad
		s, sup float64
	}
	var shaped []scored
	for _, q := range slices.Concat(cands, bodies) {
		e := aspectError(q.aspect())
		if e > 0.12 {
			continue
		}
		s := q.area() * (1 - 2*e)
		sup := supportOf(q)
		shaped = append(shaped, scored{q, s, sup})
		// Where no outline has support (a dark photo), the one with the most still wins
		// over a slightly larger one with next to none.
		if u := s * (0.5 + sup); u > bestScore {
			best, bestScore = q, u
		}
		// Among supported outlines, one that runs partly through background (a hull that
		// took in a speck beside the card) loses to one that follows the border all round.
		if sup >= minSupport && s*sup > bestSupportedScore {
			bestSupported, bestSupportedScore, bestSupport = q, s*sup, sup
		}
	}
	// An outline of a card's shape inside the one chosen, following its border clearly better
	// all round, is the card: the larger took in a stretch of background along one side (a
	// dark photo's card, whose stretched noise gives the background edges of its own).
	inner, innerScore := quad{}, 0.0
	for _, c := range shaped {
		if c.sup >= bestSupport+innerSupport && c.q.area() >= innerArea*bestSupported.area() &&
			bestSupported.holds(c.q, innerSlack*math.Sqrt(bestSupported.area())) && c.s*c.sup > innerScore {
			inner, innerScore = c.q, c.s*c.sup
		}
	}
	if innerScore > 0 {
		bestSupported, bestSupportedScore = inner, innerScore
	}
	if bestSupportedScore > 0 && bestSupported.area() < portraitArea*frameArea {
		// In a dark photo the portrait's edge may stand out where the card's own border
		// against the background does not: when the outline supported is of a portrait's
		// size, a body around it, at least twice as large, is the card.
		around, aroundSupport := quad{}, 0.0
		for _, q := range bodies {
			if q.area() < 2*bestSupported.area() || !q.holds(bestSupported, 0) {
				continue
			}
			if u := supportOf(q); u > aroundSupport {
				around, aroundSupport = q, u
			}
		}
		if aroundSupport > 0 {
			return around, true
		}
	}
	if bestSupportedScore > 0 {
		return bestSupported, true
	}
	return best, bestScore > 0
}

// innerSupport and innerArea bound an outline inside the chosen one that is taken for the card
// instead: that much more of its border supported, and at least that share of the chosen
// one's area (a portrait or a seal box is smaller, and not of a card's shape).
// Its corners may lie a little outside (innerSlack of the chosen one's size): the two
// outlines share the card's true sides.
const (
	innerSupport = 0.15
	innerArea    = 0.4
	innerSlack   = 0.02
)

// portraitArea is the share of the frame under which a supported outline in a dark photo may
// be a portrait: a card that small (too_small) is rarer than a portrait found for it.
const portraitArea = 0.12

// bodyAspect bounds the aspect error of a card found as a body (darkBody).
const bodyAspect = 0.05

// holds reports whether every corner of p lies inside q (q convex, ordered around).
func (q quad) holds(p quad, tol float64) bool {
	orient := 0.0
	for i := range q {
		a, b := q[i], q[(i+1)%4]
		orient += a.X*b.Y - b.X*a.Y
	}
	for _, c := range p {
		for i := range q {
			a, b := q[i], q[(i+1)%4]
			cross := (b.X-a.X)*(c.Y-a.Y) - (b.Y-a.Y)*(c.X-a.X)
			if d := cross / math.Hypot(b.X-a.X, b.Y-a.Y); d*math.Copysign(1, orient) < -tol {
				return false
			}
		}
	}
	return true
}

// borderContrast measures how much of an outline separates two different colours: a card's
// edge has card on one side and background on the other; the outline of a blob of background,
// or of the whole frame, has the same texture on both sides or nothing outside.
type borderContrast struct {
	pix  []uint8 // BGR, blurred so that noise and guilloche do not count as contrast
	w, h int
}

// of returns the share of points sampled along q's four sides whose colour a few pixels inside
// the outline differs clearly from a few pixels outside it. Points whose outer sample lies
// outside the image count as unsupported: a card cut by the frame is still found when nothing
// better is, but not preferred over a whole one.
func (b borderContrast) of(q quad) float64 {
	const (
		perSide = 48
		offset  = 4  // pixels either side of the outline, clear of its anti-aliasing
		minDiff = 24 // summed over B, G and R
	)
	var cx, cy float64
	for _, p := range q {
		cx, cy = cx+p.X/4, cy+p.Y/4
	}
	hit, n := 0, 0
	for i := range q {
		a, e := q[i], q[(i+1)%4]
		l := math.Hypot(e.X-a.X, e.Y-a.Y)
		if l < 1 {
			continue
		}
		// Unit normal pointing away from the centre.
		nx, ny := (e.Y-a.Y)/l, -(e.X-a.X)/l
		if mx, my := (a.X+e.X)/2, (a.Y+e.Y)/2; nx*(mx-cx)+ny*(my-cy) < 0 {
			nx, ny = -nx, -ny
		}
		for k := 0; k < perSide; k++ {
			t := (float64(k) + 0.5) / perSide
			x, y := a.X+t*(e.X-a.X), a.Y+t*(e.Y-a.Y)
			n++
			// An outline a few pixels inside the card (a dark photo's faint border, found
			// after dilation) has card on both sides at the first offset: twice as far out
			// is tried too.
			for _, o := range []float64{offset, 2 * offset} {
				in, okIn := b.at(x-o*nx, y-o*ny)
				out, okOut := b.at(x+o*nx, y+o*ny)
				if !okIn || !okOut {
					break
				}
				d := 0
				for c := range 3 {
					d += abs(int(in[c]) - int(out[c]))
				}
				// Absolute contrast, or relative in a dark photo.
				if d >= minDiff || 8*d >= sum3(in)+sum3(out) {
					hit++
					break
				}
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(hit) / float64(n)
}

func (b borderContrast) at(x, y float64) ([]uint8, bool) {
	xi, yi := int(x+0.5), int(y+0.5)
	if xi < 0 || yi < 0 || xi >= b.w || yi >= b.h {
		return nil, false
	}
	i := 3 * (yi*b.w + xi)
	return b.pix[i : i+3], true
}

func sum3(p []uint8) int { return int(p[0]) + int(p[1]) + int(p[2]) }

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// quadsFrom returns the four-cornered outlines of the large external contours of a binary
// image. Each contour's convex hull is simplified to four corners where it can be (a card's
// rounded corners, or a thumb on its edge, leave a few extra hull points, which a coarser
// simplification removes); otherwise its minimum-area rectangle stands in. A corner a hull cut
// off goes into cuts, when given (see hullCorners).
func quadsFrom(bin gocv.Mat, minArea float64, cuts map[quad]quad) []quad {
	contours := gocv.FindContours(bin, gocv.RetrievalExternal, gocv.ChainApproxSimple)
	defer contours.Close()
	var out []quad
	for i := 0; i < contours.Size(); i++ {
		c := contours.At(i)
		if gocv.ContourArea(c) < minArea {
			continue
		}
		// The background around a card, or the frame itself, reaches all four image edges.
		if r := gocv.BoundingRect(c); r.Min.X <= 1 && r.Min.Y <= 1 && r.Max.X >= bin.Cols()-1 && r.Max.Y >= bin.Rows()-1 {
			continue
		}
		if pts := hullCorners(c, cuts); pts != nil {
			out = append(out, orderQuad(pts))
			continue
		}
		if r := gocv.MinAreaRect(c); len(r.Points) == 4 {
			out = append(out, orderQuad(r.Points))
		}
	}
	return out
}

// hullOfParts returns the four-cornered convex hull of all the parts of a binary image that
// do not touch its edges (a textured background does), leaving out specks.
func hullOfParts(bin gocv.Mat, minArea float64, cuts map[quad]quad) (quad, bool) {
	contours := gocv.FindContours(bin, gocv.RetrievalExternal, gocv.ChainApproxSimple)
	defer contours.Close()
	var pts []image.Point
	for i := 0; i < contours.Size(); i++ {
		c := contours.At(i)
		r := gocv.BoundingRect(c)
		if r.Min.X <= 1 || r.Min.Y <= 1 || r.Max.X >= bin.Cols()-1 || r.Max.Y >= bin.Rows()-1 {
			continue
		}
		if r.Dx()*r.Dy() < bin.Cols()*bin.Rows()/2000 {
			continue
		}
		pts = append(pts, c.ToPoints()...)
	}
	if len(pts) < 4 {
		return quad{}, false
	}
	all := gocv.NewPointVectorFromPoints(pts)
	defer all.Close()
	corners := hullCorners(all, cuts)
	if corners == nil {
		return quad{}, false
	}
	q := orderQuad(corners)
	return q, q.area() >= minArea
}

// hullCorners simplifies the convex hull of contour c to four points, or returns nil. Where
// the hull cuts off a corner of the card (see cutCorner), it records the outline through that
// corner in cuts, by the four points' outline, when cuts is given.
func hullCorners(c gocv.PointVector, cuts map[quad]quad) []image.Point {
	hullIdx := gocv.NewMat()
	defer hullIdx.Close()
	gocv.ConvexHull(c, &hullIdx, true, true)
	hull := gocv.NewPointVectorFromMat(hullIdx)
	defer hull.Close()
	perimeter := gocv.ArcLength(hull, true)
	for _, eps := range []float64{0.02, 0.04, 0.06} {
		approx := gocv.ApproxPolyDP(hull, eps*perimeter, true)
		pts := approx.ToPoints()
		approx.Close()
		if len(pts) == 4 {
			if cuts != nil {
				fine := gocv.ApproxPolyDP(hull, cutEps*perimeter, true)
				if q, ok := cutCorner(fine.ToPoints()); ok {
					cuts[orderQuad(pts)] = q
				}
				fine.Close()
			}
			return pts
		}
		if len(pts) < 4 {
			return nil
		}
	}
	return nil
}

// cutEps is the fine simplification (a share of the hull's perimeter) under which a cut-off
// corner stays a side of its own.
const cutEps = 0.01

// cutCorner returns the outline of a card whose hull cuts off one of its corners: where the
// card's corner barely differs from the background, the edges found along its two sides stop
// short of it and the hull joins their ends by a short diagonal, which a coarse
// simplification keeps as one side of the four. The finely simplified hull is then
// five-sided, one side much shorter than the others; the card's corner is where the sides
// either side of it meet, near the short side's ends. The same shape comes of a hull that
// took in a patch of background by a corner: the border cannot tell the two apart, the card's
// content can (see rowSharpness).
func cutCorner(poly []image.Point) (quad, bool) {
	const n = 5
	if len(poly) != n {
		return quad{}, false
	}
	pt := func(i int) point { p := poly[(i+n)%n]; return point{float64(p.X), float64(p.Y)} }
	dist := func(a, b point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }
	short, perimeter := 0, 0.0
	for i := range n {
		l := dist(pt(i), pt(i+1))
		perimeter += l
		if l < dist(pt(short), pt(short+1)) {
			short = i
		}
	}
	a, b := pt(short), pt(short+1)
	l := dist(a, b)
	if l > maxCut*perimeter {
		return quad{}, false
	}
	x, ok := intersect(pt(short-1), a, b, pt(short+2))
	if !ok || dist(x, a) > 1.5*l || dist(x, b) > 1.5*l {
		return quad{}, false
	}
	pts := []image.Point{image.Pt(int(x.X+0.5), int(x.Y+0.5))}
	for i := short + 2; i < short+n; i++ {
		pts = append(pts, poly[i%n])
	}
	return orderQuad(pts), true
}

// maxCut bounds the cut-off side, as a share of the hull's perimeter: a longer one is not a
// corner lost but a different shape.
const maxCut = 0.08

// intersect returns where the line through a1 and a2 meets the line through b1 and b2.
func intersect(a1, a2, b1, b2 point) (point, bool) {
	dax, day := a2.X-a1.X, a2.Y-a1.Y
	dbx, dby := b2.X-b1.X, b2.Y-b1.Y
	den := dax*dby - day*dbx
	if math.Abs(den) < 1e-9*math.Hypot(dax, day)*math.Hypot(dbx, dby) {
		return point{}, false
	}
	t := ((b1.X-a1.X)*dby - (b1.Y-a1.Y)*dbx) / den
	return point{a1.X + t*dax, a1.Y + t*day}, true
}

// cutGain is how much sharper the rows of a card rectified through a restored corner must be
// than through the hull's: the two outlines share three corners, and the content near the
// fourth tells which is the card's.
const cutGain = 1.05

// rowSharpness rectifies the outline q of frame (BGR) small and measures how sharply its rows
// change between ink and paper: a card's printed lines are level only when the outline is
// its own, and a corner out of place tilts those near it, blurring their rows into each other.
func rowSharpness(frame gocv.Mat, q quad) float64 {
	const w, h = 400, 270
	c := warp(frame, q, w, h)
	gray := gocv.NewMat()
	defer gray.Close()
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, c.pix)
	if err != nil {
		return 0
	}
	defer m.Close()
	gocv.CvtColor(m, &gray, gocv.ColorBGRToGray)
	ink := gocv.NewMat()
	defer ink.Close()
	gocv.AdaptiveThreshold(gray, &ink, 255, gocv.AdaptiveThresholdMean, gocv.ThresholdBinaryInv, 15, 10)
	pix := ink.ToBytes()
	rows := make([]float64, h)
	total := 0.0
	for y := range h {
		for x := range w {
			if pix[y*w+x] != 0 {
				rows[y]++
			}
		}
		total += rows[y]
	}
	if total == 0 {
		return 0
	}
	d := 0.0
	for y := 1; y < h; y++ {
		d += (rows[y] - rows[y-1]) * (rows[y] - rows[y-1])
	}
	return d / (total * total / h)
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
