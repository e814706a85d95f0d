package device

import (
	"image"
	"math"

	"gocv.io/x/gocv"
)

// Card aspect ratios (CARDS.md §1): ID card 85.6×54.0 mm, licence page 88×60 mm.
const (
	aspectIDCard  = 1.585
	aspectLicence = 1.467
)

// cardPresence is what the detector sees of a card.
type cardPresence int

const (
	cardNone    cardPresence = iota
	cardPartial              // a large card-like shape touches the frame's border
	cardInside               // a card-shaped quadrilateral lies fully inside the frame
)

// measurement is everything the decision logic needs from one frame. It holds no Mat, so
// the state machines that consume it are plain Go and table-testable.
type measurement struct {
	luma, lumaStdDev float64 // grey level of the downscaled frame
	identical        bool    // bit-for-bit the same picture as the previous frame, as far as measured
	first            bool    // no previous frame to compare with (after open or reconnect)
	motion           float64 // share of pixels that changed since the previous frame (0–1)

	// Set only when detection was asked for.
	card      cardPresence
	aspect    float64         // long/short side of the card
	area      float64         // share of the frame the card covers
	box       image.Rectangle // the card's bounding box in full-resolution pixels
	sharpness float64         // variance of the Laplacian over the card; only for cardInside
}

// measurer turns frames into measurements. It owns its Mats and reuses them from frame to
// frame, because allocating native images at 15 fps fragments the C heap.
type measurer struct {
	cfg Config

	small, gray, prevGray, blur, prevBlur gocv.Mat
	diff, mask, edges, kernel             gocv.Mat
	roiGray, roiSmall, lap                gocv.Mat
	mean, stddev                          gocv.Mat

	hasPrev   bool
	prevMeans gocv.Scalar
}

// newMeasurer allocates the measurer's Mats; close releases them.
func newMeasurer(cfg Config) *measurer {
	return &measurer{
		cfg:   cfg,
		small: gocv.NewMat(), gray: gocv.NewMat(), prevGray: gocv.NewMat(),
		blur: gocv.NewMat(), prevBlur: gocv.NewMat(),
		diff: gocv.NewMat(), mask: gocv.NewMat(), edges: gocv.NewMat(),
		kernel:  gocv.GetStructuringElement(gocv.MorphRect, image.Pt(3, 3)),
		roiGray: gocv.NewMat(), roiSmall: gocv.NewMat(), lap: gocv.NewMat(),
		mean: gocv.NewMat(), stddev: gocv.NewMat(),
	}
}

// close releases every Mat.
func (m *measurer) close() {
	for _, mat := range []*gocv.Mat{&m.small, &m.gray, &m.prevGray, &m.blur, &m.prevBlur,
		&m.diff, &m.mask, &m.edges, &m.kernel, &m.roiGray, &m.roiSmall, &m.lap, &m.mean, &m.stddev} {
		mat.Close()
	}
}

// reset forgets the previous frame, so that the first frame after a reconnect is not
// compared with one from before it.
func (m *measurer) reset() { m.hasPrev = false }

// measure measures frame (BGR or grey). Card detection and sharpness, the costly part, run
// only when detect is set, i.e. while a capture waits.
func (m *measurer) measure(frame gocv.Mat, detect bool) measurement {
	var r measurement
	means := frame.Mean()

	w := m.cfg.DetectWidth
	if frame.Cols() < w {
		w = frame.Cols()
	}
	h := int(math.Round(float64(frame.Rows()) * float64(w) / float64(frame.Cols())))
	gocv.Resize(frame, &m.small, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
	toGray(m.small, &m.gray)
	r.luma, r.lumaStdDev = m.meanStdDev(m.gray)
	// Blurring before differencing and edge detection keeps sensor noise from counting as
	// motion or as edges.
	gocv.GaussianBlur(m.gray, &m.blur, image.Pt(5, 5), 0, 0, gocv.BorderDefault)

	r.first = !m.hasPrev || m.prevGray.Rows() != h || m.prevGray.Cols() != w
	if r.first {
		r.motion = 1
	} else {
		gocv.AbsDiff(m.gray, m.prevGray, &m.diff)
		// Both the full-resolution means and every downscaled pixel must match: means alone
		// miss a card sliding over a flat background, pixels alone miss small changes.
		r.identical = means == m.prevMeans && gocv.CountNonZero(m.diff) == 0
		gocv.AbsDiff(m.blur, m.prevBlur, &m.diff)
		gocv.Threshold(m.diff, &m.mask, float32(m.cfg.MotionDelta), 255, gocv.ThresholdBinary)
		r.motion = float64(gocv.CountNonZero(m.mask)) / float64(w*h)
	}
	// Swap instead of copying: the current frame's Mats become the previous frame's.
	m.gray, m.prevGray = m.prevGray, m.gray
	m.blur, m.prevBlur = m.prevBlur, m.blur
	m.hasPrev, m.prevMeans = true, means

	if detect {
		m.detect(frame, m.prevBlur, &r)
	}
	return r
}

// detect looks for a card in the blurred downscaled grey frame and, if one lies inside,
// measures its sharpness on the full-resolution frame.
func (m *measurer) detect(frame, blur gocv.Mat, r *measurement) {
	gocv.Canny(blur, &m.edges, 30, 90)
	// Dilating closes small gaps in the card's outline, so that its outer contour is one
	// closed curve rather than fragments.
	gocv.Dilate(m.edges, &m.edges, m.kernel)
	contours := gocv.FindContours(m.edges, gocv.RetrievalExternal, gocv.ChainApproxSimple)
	defer contours.Close()

	w, h := blur.Cols(), blur.Rows()
	frameArea := float64(w * h)
	var best, partial float64
	var bestBox image.Rectangle
	for i := 0; i < contours.Size(); i++ {
		c := contours.At(i)
		rr := gocv.MinAreaRect(c)
		rectArea := float64(rr.Width * rr.Height)
		if rectArea/frameArea < m.cfg.MinCardArea/2 {
			continue
		}
		box := gocv.BoundingRect(c)
		const margin = 2 // px at detection scale; CARDS.md §5 "cropped" uses ≤ 2 px
		if box.Min.X <= margin || box.Min.Y <= margin || box.Max.X >= w-margin || box.Max.Y >= h-margin {
			// The frame's border has no edge, so a card cut by it leaves an open outline that
			// encloses no area: judge it by its rectangle and by the outline's length instead.
			// A shape as large as the frame is the base plate or the table, not a card.
			share := rectArea / frameArea
			perimeter := 2 * float64(rr.Width+rr.Height)
			if share < 0.85 && gocv.ArcLength(c, false) >= 0.5*perimeter && share > partial {
				partial = share
			}
			continue
		}
		area := gocv.ContourArea(c)
		share, fill := area/frameArea, area/rectArea
		aspect := float64(max(rr.Width, rr.Height)) / float64(max(1, min(rr.Width, rr.Height)))
		if share < m.cfg.MinCardArea || !m.cardAspect(aspect) || !(fill >= 0.9 || isConvexQuad(c)) {
			continue
		}
		if share > best {
			best, bestBox = share, box
			r.aspect, r.area = aspect, share
		}
	}
	switch {
	case best > 0:
		r.card = cardInside
		scale := float64(frame.Cols()) / float64(w)
		r.box = image.Rect(int(float64(bestBox.Min.X)*scale), int(float64(bestBox.Min.Y)*scale),
			int(float64(bestBox.Max.X)*scale), int(float64(bestBox.Max.Y)*scale)).
			Intersect(image.Rect(0, 0, frame.Cols(), frame.Rows()))
		r.sharpness = m.sharpness(frame, r.box)
	case partial > 0:
		r.card = cardPartial
	}
}

// cardAspect reports whether aspect is close to an ID card's or a licence page's.
func (m *measurer) cardAspect(aspect float64) bool {
	for _, want := range []float64{aspectIDCard, aspectLicence} {
		if math.Abs(aspect-want)/want <= m.cfg.AspectTolerance {
			return true
		}
	}
	return false
}

// isConvexQuad reports whether the contour simplifies to a convex quadrilateral, which a
// card seen in perspective is.
func isConvexQuad(c gocv.PointVector) bool {
	approx := gocv.ApproxPolyDP(c, 0.02*gocv.ArcLength(c, true), true)
	defer approx.Close()
	pts := approx.ToPoints()
	if len(pts) != 4 {
		return false
	}
	sign := 0
	for i := range pts {
		a, b, c := pts[i], pts[(i+1)%4], pts[(i+2)%4]
		cross := (b.X-a.X)*(c.Y-b.Y) - (b.Y-a.Y)*(c.X-b.X)
		s := 1
		if cross < 0 {
			s = -1
		}
		if cross == 0 || (sign != 0 && s != sign) {
			return false
		}
		sign = s
	}
	return true
}

// sharpness returns the variance of the Laplacian over box, scaled so that its long side is
// at most SharpnessWidth pixels.
func (m *measurer) sharpness(frame gocv.Mat, box image.Rectangle) float64 {
	if box.Dx() < 8 || box.Dy() < 8 {
		return 0
	}
	roi := frame.Region(box)
	defer roi.Close()
	toGray(roi, &m.roiGray)
	src := m.roiGray
	if long := max(box.Dx(), box.Dy()); long > m.cfg.SharpnessWidth {
		f := float64(m.cfg.SharpnessWidth) / float64(long)
		gocv.Resize(m.roiGray, &m.roiSmall, image.Pt(int(float64(box.Dx())*f), int(float64(box.Dy())*f)), 0, 0, gocv.InterpolationArea)
		src = m.roiSmall
	}
	gocv.Laplacian(src, &m.lap, gocv.MatTypeCV64F, 1, 1, 0, gocv.BorderDefault)
	_, sd := m.meanStdDev(m.lap)
	return sd * sd
}

// meanStdDev returns the mean and standard deviation of a one-channel Mat.
func (m *measurer) meanStdDev(src gocv.Mat) (float64, float64) {
	gocv.MeanStdDev(src, &m.mean, &m.stddev)
	return m.mean.GetDoubleAt(0, 0), m.stddev.GetDoubleAt(0, 0)
}

// toGray converts a BGR, BGRA or grey Mat to grey.
func toGray(src gocv.Mat, dst *gocv.Mat) {
	switch src.Channels() {
	case 1:
		src.CopyTo(dst)
	case 4:
		gocv.CvtColor(src, dst, gocv.ColorBGRAToGray)
	default:
		gocv.CvtColor(src, dst, gocv.ColorBGRToGray)
	}
}
