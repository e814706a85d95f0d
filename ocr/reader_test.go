package ocr

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otiai10/gosseract/v2"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/fields"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph"
)

// testNow is the reference day of cardgen's records: every generated date but a validity end
// lies before it.
var testNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

var (
	readerOnce sync.Once
	reader     *Reader
	readerErr  error
)

// mustReader returns a Reader shared by the package's tests: loading the models takes about a
// second per client. It skips where Tesseract's models are missing unless
// XIAOZHI_TEST_REQUIRE=1 says they must be there.
func mustReader(tb testing.TB) *Reader {
	tb.Helper()
	readerOnce.Do(func() {
		reader, readerErr = NewReader(Config{Clients: 2, Now: func() time.Time { return testNow }}, nil)
	})
	if readerErr != nil {
		if os.Getenv("XIAOZHI_TEST_REQUIRE") == "1" {
			tb.Fatalf("tesseract: %v", readerErr)
		}
		tb.Skipf("tesseract not available: %v", readerErr)
	}
	return reader
}

func TestReadUnreadable(t *testing.T) {
	r := mustReader(t)
	good, _ := mustSynth(t, kiosk.KindIDCardFront, 1, "noto", shot{})
	tests := []struct {
		name string
		img  []byte
	}{
		{"zero bytes", nil},
		{"not an image", []byte("%PDF-1.4 this is not a photo")},
		{"truncated jpeg", good[:len(good)*2/3]},
		{"huge png", hugePNG(20000, 20000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Read(context.Background(), tt.img, kiosk.KindAuto)
			if kiosk.ErrorCode(err) != kiosk.EUNREADABLE {
				t.Fatalf("got %v, want EUNREADABLE", err)
			}
			if kiosk.ErrorMessage(err) == "" {
				t.Fatal("no message for the screen")
			}
		})
	}
}

// hugePNG returns a valid PNG header announcing w×h pixels and no pixel data: enough for a
// decoder that trusts the header to allocate gigabytes.
func hugePNG(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		b = append(b, typ...)
		b = append(b, data...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	return append(out, chunk("IEND", nil)...)
}

func TestReadUnsupportedKind(t *testing.T) {
	r := mustReader(t)
	if _, err := r.Read(context.Background(), []byte("x"), "passport"); kiosk.ErrorCode(err) != kiosk.EUNSUPPORTED {
		t.Fatalf("got %v, want EUNSUPPORTED", err)
	}
}

// TestReadSynthetic reads photographed synthetic cards of every kind, upright and turned, and
// requires the right kind and orientation, nearly every field exact, and no wrong field that
// looks confident.
func TestReadSynthetic(t *testing.T) {
	r := mustReader(t)
	ok, n := 0, 0
	for _, k := range kiosk.DocKinds {
		for seed := uint64(1); seed <= 2; seed++ {
			s := shot{skew: 0.02, turns: int(seed+uint64(len(k))) % 4}
			img, truth := mustSynth(t, k, seed, "noto", s)
			doc, err := r.Read(context.Background(), img, kiosk.KindAuto)
			if err != nil {
				t.Fatalf("%s seed %d: %v", k, seed, err)
			}
			if doc.Kind != k {
				t.Errorf("%s seed %d: kind %s", k, seed, doc.Kind)
				continue
			}
			// A quarter turn either way warps upright or upside down depending on which long
			// side the quad search put on top; only 0 and 180 degrees have a fixed answer.
			if got := doc.HasFlag(kiosk.FlagUpsideDown); s.turns%2 == 0 && got != (s.turns == 2) {
				t.Errorf("%s seed %d turned %d: upside_down=%v", k, seed, s.turns, got)
			}
			for key, want := range truth {
				n++
				if doc.Fields[key] == want {
					ok++
				} else if doc.Confidence[key] < 0.8 {
					t.Logf("%s seed %d %s: %q (%.2f), want %q", k, seed, key, doc.Fields[key], doc.Confidence[key], want)
				} else {
					t.Errorf("%s seed %d %s: %q at confidence %.2f, want %q", k, seed, key, doc.Fields[key], doc.Confidence[key], want)
				}
			}
		}
	}
	// A regression floor, far below the product target: these records have rare characters in
	// names and addresses that chi_sim misreads (at low confidence, checked above) and one
	// older vehicle-licence layout the reader does not locate by label yet. ocr-eval measures
	// the real figures.
	if float64(ok) < 0.70*float64(n) {
		t.Errorf("%d of %d fields exact, want at least 70%%", ok, n)
	}
}

func TestReadNotACard(t *testing.T) {
	r := mustReader(t)
	img := image.NewRGBA(image.Rect(0, 0, 900, 300)) // a wide strip of nothing
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	doc, err := r.Read(context.Background(), buf.Bytes(), kiosk.KindIDCardFront)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.HasFlag(kiosk.FlagNotACard) || len(doc.Fields) != 0 {
		t.Fatalf("got %+v, want not_a_card and no fields", doc)
	}
}

// TestReadConcurrent shares one Reader between goroutines (run with -race).
func TestReadConcurrent(t *testing.T) {
	r := mustReader(t)
	img, truth := mustSynth(t, kiosk.KindIDCardBack, 3, "noto", shot{skew: 0.02})
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			doc, err := r.Read(context.Background(), img, kiosk.KindIDCardBack)
			if err == nil && doc.Fields["authority"] != truth["authority"] {
				err = fmt.Errorf("authority %q, want %q", doc.Fields["authority"], truth["authority"])
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestReadCancelled(t *testing.T) {
	r := mustReader(t)
	img, _ := mustSynth(t, kiosk.KindIDCardBack, 4, "noto", shot{})
	// Hold every client so the read must wait, then give up.
	var held []*gosseract.Client
	for i := 0; i < r.tess.n; i++ {
		held = append(held, <-r.tess.han)
	}
	defer func() {
		for _, c := range held {
			r.tess.han <- c
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := r.Read(ctx, img, kiosk.KindIDCardBack); kiosk.ErrorCode(err) != kiosk.EUNAVAILABLE {
		t.Fatalf("got %v, want EUNAVAILABLE", err)
	}
}

func TestJPEGComplete(t *testing.T) {
	img, _ := mustSynth(t, kiosk.KindIDCardFront, 1, "noto", shot{})
	if !jpegComplete(img) {
		t.Fatal("complete JPEG reported truncated")
	}
	if jpegComplete(img[:len(img)-100]) {
		t.Fatal("truncated JPEG reported complete")
	}
}

// readCase is one field of a generated photo, by the seed and JPEG quality its truth file gives.
type readCase struct {
	kind      kiosk.DocKind
	condition string
	seed      uint64
	quality   int
	key       string
}

// read generates the photo, reads it and returns the field as read, as printed, and the read's
// confidence.
func (c readCase) read(t *testing.T, r *Reader) (got, want string, conf float64) {
	t.Helper()
	img, truth := mustGenerate(t, c.kind, c.condition, c.seed, c.quality)
	doc, err := r.Read(context.Background(), img, c.kind)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Fields[c.key], truth.Fields[c.key], doc.Confidence[c.key]
}

// TestReadFieldRegressions reads fields that were once lost or spoiled by the crop: the
// ethnicity of ID fronts in the guilloche of its search box (the ink level was taken from a
// share of the box larger than the character covers), and a vehicle's model with the next
// label's first character caught at its end, and fields of older vehicle licences read from
// the current layout's rows, and blurred and dark photos.
func TestReadFieldRegressions(t *testing.T) {
	r := mustReader(t)
	for _, c := range []readCase{
		{kiosk.KindIDCardFront, "clean", 7497681710211788322, 92, "ethnicity"},
		{kiosk.KindIDCardFront, "perspective", 13941332350611807814, 85, "ethnicity"},
		{kiosk.KindIDCardFront, "noise", 1194351311848656693, 90, "ethnicity"},
		{kiosk.KindVehicleLicence, "clean", 3149857932686739514, 91, "brand_model"},
		// Older vehicle licences, told apart by the label 品牌型号 read from its Chinese line
		// alone: the VIN row is below the engine row there.
		{kiosk.KindVehicleLicence, "rotate180", 10274797182364047343, 89, "vin"},
		{kiosk.KindVehicleLicence, "blur", 2345411350595699215, 91, "use_nature"},
		// An older vehicle licence whose blurred label reads as neither text: its long brand
		// and model where the current printing has blank paper tell the printing.
		{kiosk.KindVehicleLicence, "blur", 13451165965478800566, 90, "use_nature"},
		{kiosk.KindVehicleLicence, "blur", 13451165965478800566, 90, "engine_number"},
		// A model run into the next label (EX8使用性质): its last character stays.
		{kiosk.KindVehicleLicence, "jpeg_low", 10615017977611072590, 34, "brand_model"},
		// A one-character value printed right after its label (性别男), once lost with it.
		{kiosk.KindDrivingLicence, "perspective", 5570653086711626407, 88, "sex"},
		// The older driving licence's term 长期, which chi_sim alone read as 发期.
		{kiosk.KindDrivingLicence, "perspective", 8821541930510353729, 90, "valid_until"},
		// A clean C1 that Tesseract reads as C, even at twice the size.
		{kiosk.KindDrivingLicence, "perspective", 12364431950545790927, 88, "classes"},
		// Blurred photos, read after an unsharp mask.
		{kiosk.KindDrivingLicence, "blur", 4524305472606058097, 88, "valid_from"},
		{kiosk.KindIDCardFront, "blur", 5149485101563041365, 87, "address"},
		// Dark photos, whose paper once came out grey and noisy on the cleaned crop.
		{kiosk.KindIDCardBack, "low_light", 1077226376157155962, 89, "authority"},
		{kiosk.KindDrivingLicence, "low_light", 6599084831581775392, 86, "name"},
		// A dark photo's sensor noise, once taken for ink all over the crop, is filtered out.
		{kiosk.KindVehicleLicence, "low_light", 14646961580200158270, 92, "vin"},
		{kiosk.KindVehicleLicence, "low_light", 14646961580200158270, 92, "engine_number"},
		// The label's 码 caught at the start of an engine number, once read as digits (343UZ…).
		{kiosk.KindVehicleLicence, "rotate180", 16538937140714020802, 88, "engine_number"},
		{kiosk.KindVehicleLicence, "perspective", 7084417059943723350, 88, "engine_number"},
		// Blurred XX, one character to the glyph recogniser, two to Tesseract.
		{kiosk.KindVehicleLicence, "blur", 9858457905484085186, 90, "brand_model"},
		{kiosk.KindVehicleLicence, "low_light", 1376228963827652175, 89, "brand_model"},
		// A VIN's 5 read as S by Tesseract, surely; the glyph recogniser's 5 makes the
		// position doubtful, and the check digit repairs it.
		{kiosk.KindVehicleLicence, "jpeg_low", 229805958295084356, 35, "vin"},
		// 至 read as a weak 8 between the dates of a driving licence's validity.
		{kiosk.KindDrivingLicence, "jpeg_low", 4195759443000228196, 42, "valid_from"},
		{kiosk.KindDrivingLicence, "jpeg_low", 4195759443000228196, 42, "valid_until"},
		// The older driving licence's term 10年 blurred: 年's thin strokes faded, the
		// Chinese read lost the term, and the end of validity with it.
		{kiosk.KindDrivingLicence, "blur", 10680579110568474360, 92, "valid_until"},
		{kiosk.KindDrivingLicence, "blur", 11398431528053381837, 85, "valid_until"},
		// Thin strokes a blur spread to pale grey, once erased by a crop's narrow soft edge:
		// the dashes and the 2s' feet of a validity, read 202506-23-420350623.
		{kiosk.KindDrivingLicence, "blur", 771032525486474813, 87, "valid_from"},
		{kiosk.KindDrivingLicence, "blur", 771032525486474813, 87, "valid_until"},
		// Clean photos whose pale joins were erased the same way: the 巾 of 幢 read apart
		// (11幢 as 11由), 浙 read 新 (新B47499).
		{kiosk.KindDrivingLicence, "clean", 18361055255945129892, 92, "address"},
		{kiosk.KindVehicleLicence, "clean", 17886799304016118023, 91, "plate_number"},
		// The middle stroke of a blurred 山 cut from its sides and read as a sure 1 between
		// two words of an address (象1县, 中1西路), where Tesseract read 山.
		{kiosk.KindDrivingLicence, "blur", 14607798634655054536, 92, "address"},
		{kiosk.KindVehicleLicence, "low_light", 5784230144220506883, 88, "address"},
		// 幢 read apart on a clean photo: its 巾 as a digit after the building's number,
		// its 童 as a character (1幢 read 11童).
		{kiosk.KindIDCardFront, "clean", 3172664916451705033, 90, "address"},
		// An ID number's check character misread surely (3 as 5), the birth date read as
		// its digits alone (1998726): the glyph recogniser's 3 there makes the place one the
		// check character may repair, and the digits confirm the repair.
		{kiosk.KindIDCardFront, "noise", 14127126012857759998, 92, "id_number"},
		{kiosk.KindIDCardFront, "jpeg_low", 6083345688853462776, 35, "id_number"},
		// A model's last 3 touching the 亻 of the next label 使, the label's English row
		// (Use) beginning under it: once cut in half and lost (K1C3 read K1C).
		{kiosk.KindVehicleLicence, "clean", 11977778723634626965, 86, "brand_model"},
		// A serif W that Tesseract read as W and V, the V's box drifted four pixels left of
		// the W the glyph recogniser read surely (FBDWG read FBDWVG).
		{kiosk.KindVehicleLicence, "rotate180", 7011943646775613622, 87, "brand_model"},
		// The same W read as two Vs within its own box (FBDWG read FBDVVG).
		{kiosk.KindVehicleLicence, "rotate180", 10368053332356721798, 87, "brand_model"},
		// A brand's blurred or tilted first character misread (把马, 棒田, 非田): the listed
		// brand whose characters explain the ink before 牌 best.
		{kiosk.KindVehicleLicence, "blur", 15242153327556767234, 92, "brand_model"},
		{kiosk.KindVehicleLicence, "blur", 4773701221628350689, 85, "brand_model"},
		{kiosk.KindVehicleLicence, "perspective", 13577501831352635662, 92, "brand_model"},
		// A blurred 丰田 come apart into four pieces, its reading dearer than the pieces'
		// free reading by more than another closed set's would be allowed.
		{kiosk.KindVehicleLicence, "blur", 7755786631894098864, 86, "brand_model"},
		{kiosk.KindVehicleLicence, "blur", 14754197717740967943, 91, "brand_model"},
		// A serif J whose hook, bent back under the A before it, touches the label's
		// English row (…AJ使用性质): once taken for the label's stem and cut off with it.
		{kiosk.KindVehicleLicence, "clean", 16921678746011418573, 85, "brand_model"},
		{kiosk.KindVehicleLicence, "low_light", 9463100829509602085, 92, "brand_model"},
		// The same J joined to the 亻 of 使 with no blank column between: kept, narrow as
		// it is; and a 3 so joined (K1C3使).
		{kiosk.KindVehicleLicence, "noise", 14505463806263268999, 89, "brand_model"},
		{kiosk.KindVehicleLicence, "rotate180", 15118514979020135883, 90, "brand_model"},
		{kiosk.KindVehicleLicence, "low_light", 18445791484020187950, 86, "brand_model"},
		// The label's 码 cut by the crop against the value's first letter, read as a symbol
		// of its own over that letter's ink (IXNW…, 9R27…); the same before a VIN (3LGB…).
		{kiosk.KindVehicleLicence, "jpeg_low", 14238150385668264764, 37, "engine_number"},
		{kiosk.KindVehicleLicence, "low_light", 1213737545709575619, 92, "engine_number"},
		{kiosk.KindVehicleLicence, "rotate180", 8209466457111487047, 91, "vin"},
		// The label's 期 read as the first digit of a validity's start (0206-05-12): the
		// glyph recogniser's read of the line gives the date.
		{kiosk.KindDrivingLicence, "jpeg_low", 10780256409135318675, 37, "valid_from"},
		// 淮 whose box Tesseract collapsed to a pixel inside the 江 before it, in a font the
		// glyph recogniser read unsure (江涠踟).
		{kiosk.KindVehicleLicence, "clean", 11325777077011919121, 85, "brand_model"},
		// AJ run together, which Tesseract read AjJ: one J.
		{kiosk.KindVehicleLicence, "perspective", 16336808707348153404, 92, "brand_model"},
		{kiosk.KindVehicleLicence, "low_light", 14893182662443937128, 90, "brand_model"},
		// The label's 号, caught before a brand with a sliver of 型, read by neither
		// recogniser (旺别克, 旺宝马): left out before the listed brand.
		{kiosk.KindVehicleLicence, "jpeg_low", 13520818260013973881, 39, "brand_model"},
		{kiosk.KindVehicleLicence, "jpeg_low", 11712891805461819251, 34, "brand_model"},
		// An older vehicle licence whose left half glare has paled: label unreadable, the
		// model's faint ink still tells the printing.
		{kiosk.KindVehicleLicence, "degraded", 15839687911278899162, 49, "use_nature"},
		{kiosk.KindVehicleLicence, "degraded", 15839687911278899162, 49, "engine_number"},
		// The right half of the label's 址 before an address, read as 止.
		{kiosk.KindDrivingLicence, "perspective", 17078069556280088063, 91, "address"},
		// Letters and digits Tesseract was sure of and the glyph recogniser, surer, read
		// otherwise: S for 5 in a VIN (then confirmed by the check digit), 8 for S in an
		// engine number.
		{kiosk.KindVehicleLicence, "clean", 13104868200868701136, 85, "vin"},
		{kiosk.KindVehicleLicence, "noise", 2455561858238513205, 91, "engine_number"},
		// Letters Tesseract read between two sure glyph characters with no room for them
		// (HE1 read HEFI1, YEX8 read YEEX8).
		{kiosk.KindVehicleLicence, "clean", 3917105081814244230, 88, "brand_model"},
		{kiosk.KindVehicleLicence, "noise", 323710506359617687, 87, "brand_model"},
		// A model's last 1 whose foot touches the next label's English row (1 against the U
		// of Use): apart above the row, it stays with the value.
		{kiosk.KindVehicleLicence, "rotate180", 17481305322823349386, 90, "brand_model"},
		// House numbers: a 幢 beside two digits the glyph recogniser merged, once taken for
		// a digit because a tall box of Tesseract's set the line's height (25幢1204 read
		// 251204); 路 before 1211, once dropped as a stray because the digits' boxes were
		// Tesseract's, drifted off the ink.
		{kiosk.KindIDCardFront, "perspective", 753665257118550848, 87, "address"},
		{kiosk.KindIDCardFront, "jpeg_low", 15607139764860433175, 33, "address"},
		// A VIN Tesseract read 18 long (D5 as DS5) and the glyph recogniser 17.
		{kiosk.KindVehicleLicence, "jpeg_low", 4441806086065675937, 45, "vin"},
		// Vehicle types whose first character only Tesseract read right: 小 that the glyph
		// recogniser, unsure, took for 卜; 重 that it merged with the end of the label.
		{kiosk.KindVehicleLicence, "blur", 13258261764589130540, 88, "vehicle_type"},
		{kiosk.KindVehicleLicence, "noise", 323710506359617687, 87, "vehicle_type"},
		// Glare over half a licence: the paper from dim to washed out, one ink threshold
		// per crop took the dim paper for ink until the light was evened out.
		{kiosk.KindVehicleLicence, "degraded", 5041485586610550382, 50, "owner"},
		{kiosk.KindVehicleLicence, "degraded", 5041485586610550382, 50, "register_date"},
		// Models whose letters the glyph recogniser cut wrongly and Tesseract read surely:
		// BY read as 1W, B as a sure 1 and an unsure 3.
		{kiosk.KindVehicleLicence, "clean", 10198407741889760449, 90, "brand_model"},
		{kiosk.KindVehicleLicence, "perspective", 180422994950425736, 89, "brand_model"},
		// The end of the label 注册登记日期 caught before the date, read as digits (173922…)
		// by Tesseract and left apart by the glyph recogniser.
		{kiosk.KindVehicleLicence, "clean", 7186557423640667919, 91, "register_date"},
		// An engine number Tesseract read with an S too many (7WAS549921), unsure of it.
		{kiosk.KindVehicleLicence, "rotate180", 1043167094261346944, 88, "engine_number"},
		// A photocopied ID card upside down: no colour to orient it, its portrait found in
		// the mirrored place.
		{kiosk.KindIDCardFront, "degraded", 11819897489211213267, 59, "name"},
		// A two-character owner in a noisy photo, once lost to the guilloche counted as ink.
		{kiosk.KindVehicleLicence, "noise", 9503796181024580184, 92, "owner"},
		// Models printed against a label wider than the layout's (品牌型号宝马牌…): the end of
		// the label, cut by the search box, once read as a first character (蚂宝马, 2汪福特).
		{kiosk.KindVehicleLicence, "clean", 10794657746142128441, 87, "brand_model"},
		{kiosk.KindVehicleLicence, "jpeg_low", 13509614678019196107, 41, "brand_model"},
		// The same before letters: 码 of 发动机号码 read as a 3 (3KU2662153), 号 of
		// 车辆识别代号 as SS.
		{kiosk.KindVehicleLicence, "clean", 3671101978822924744, 87, "engine_number"},
		{kiosk.KindVehicleLicence, "blur", 97296425980431937, 90, "vin"},
		// A plate once cropped from a few pixels before the label's end was cut off, the tip
		// of 码 read with 浙 as 六.
		{kiosk.KindVehicleLicence, "clean", 15454262645327555953, 90, "plate_number"},
		// A blurred B the glyph recogniser read as an unsure 1 and 3, Tesseract as a B whose
		// box runs over both (浙13B04645).
		{kiosk.KindVehicleLicence, "blur", 11825325200551322769, 92, "plate_number"},
		// A serif 1 Tesseract read as L (LJL6…), unsure, in a VIN whose first two letters the
		// glyph recogniser lost to the label's end.
		{kiosk.KindVehicleLicence, "perspective", 7799602494560274858, 91, "vin"},
		// A year whose 2 ran into the label's English row (7022): years begin 19 or 20.
		{kiosk.KindVehicleLicence, "clean", 15454262645327555953, 90, "register_date"},
		// 幢 after a building number that the glyph recogniser, unsure, read right and
		// Tesseract as 峡.
		{kiosk.KindIDCardFront, "blur", 15593393257155884379, 92, "address"},
		// Values whose label's English row reaches under their first character (Type under
		// 小, acter under 非): its letters reached the line's foot and were taken for the value.
		{kiosk.KindVehicleLicence, "clean", 16921678746011418573, 85, "vehicle_type"},
		{kiosk.KindVehicleLicence, "clean", 16921678746011418573, 85, "use_nature"},
		{kiosk.KindVehicleLicence, "perspective", 2040748460335975881, 88, "vehicle_type"},
		{kiosk.KindVehicleLicence, "noise", 4004480782344729140, 87, "use_nature"},
		// Dim, glared ID cards whose blue labels kept only a trace of colour, on one side:
		// turned by the portrait, which the glare had washed out, they were read upside down.
		{kiosk.KindIDCardFront, "degraded", 8596690355507339033, 50, "id_number"},
		{kiosk.KindIDCardFront, "degraded", 10450306870835416982, 47, "name"},
		// FH that the glyph recogniser read as an unsure H and a 1 (the H's right stem),
		// Tesseract as F and H: its order and its H's box stand (DHF15180 for DFH5180).
		{kiosk.KindVehicleLicence, "perspective", 9825003747412470474, 86, "brand_model"},
		{kiosk.KindVehicleLicence, "blur", 9829817299494571024, 90, "plate_number"},
		// A model's last 6 cut from the next label with the stem of its 亻 (6| read as q),
		// which the crop's margin had brought back.
		{kiosk.KindVehicleLicence, "perspective", 17153514029225139903, 86, "brand_model"},
		{kiosk.KindVehicleLicence, "rotate180", 12209520284418490337, 88, "brand_model"},
		// A dark photo whose card's outline, fully supported, lay inside a larger one that
		// took in a stretch of background and was chosen for its size.
		{kiosk.KindIDCardFront, "low_light", 4788960435532429429, 90, "id_number"},
		// A model's last J against the 亻 of 使用性质: the J, a third of a character wide,
		// is kept where the line's ink stays on the line.
		{kiosk.KindVehicleLicence, "perspective", 16552559260710759375, 91, "brand_model"},
		// Licence numbers the title's English line touched from above (the p of People's
		// bridging the gap): the two lines were read as one.
		{kiosk.KindDrivingLicence, "clean", 1342591643504283417, 92, "licence_number"},
		{kiosk.KindDrivingLicence, "clean", 5681710820722957522, 90, "licence_number"},
		// Closed-set values neither recogniser read, fitted to the ink among the set's
		// members: the label's remnant and English row before 出租客运 and 非营运, 重型半挂
		// blurred into 馓腱柈, 小 read 卜 by both, 畲 read ES.
		{kiosk.KindVehicleLicence, "clean", 8800871819493328054, 88, "use_nature"},
		{kiosk.KindVehicleLicence, "low_light", 7670736996359573550, 89, "use_nature"},
		{kiosk.KindVehicleLicence, "blur", 15302419095416502585, 88, "vehicle_type"},
		{kiosk.KindVehicleLicence, "low_light", 13886626716823318143, 89, "vehicle_type"},
		{kiosk.KindIDCardFront, "jpeg_low", 15959674226341894244, 31, "ethnicity"},
		// Addresses of clean photos whose common characters a held-out font drew nearer
		// rare ones: 7幢 read 74由 (翀𦒍 by the glyph recogniser), 号 read 吕.
		{kiosk.KindIDCardFront, "clean", 7164988628003818612, 89, "address"},
		{kiosk.KindDrivingLicence, "clean", 5381106274663930675, 87, "address"},
		// Plates in a font that spaces 浙's 氵 wide from 折: the 氵 read as 3 or 的.
		{kiosk.KindVehicleLicence, "perspective", 17159991215891661956, 87, "plate_number"},
		{kiosk.KindVehicleLicence, "clean", 14011996992625697813, 89, "plate_number"},
		// A register date whose year a speck parted (20.22-04-27).
		{kiosk.KindVehicleLicence, "clean", 14011996992625697813, 89, "register_date"},
		// Use characters whose label's end and English row (性质 over racter) were taken for
		// the value's start: the row reaches the band's foot, below the value's.
		{kiosk.KindVehicleLicence, "noise", 15224437742560054281, 91, "use_nature"},
		{kiosk.KindVehicleLicence, "jpeg_low", 591691905750339713, 37, "use_nature"},
		// VINs whose J1 the glyph recogniser read as one character outside the whitelist and
		// Tesseract surely as JL: doubtful there, the check digit repairs the L.
		{kiosk.KindVehicleLicence, "rotate180", 7651441975431630724, 88, "vin"},
		{kiosk.KindVehicleLicence, "jpeg_low", 1627563786531272664, 44, "vin"},
		// Model codes the glyph recogniser read with an ideograph (BY as 皿, HE as 皿) that
		// Tesseract did not outvote, read again as letters and digits.
		{kiosk.KindVehicleLicence, "noise", 14457052513440584845, 90, "brand_model"},
		{kiosk.KindVehicleLicence, "clean", 9342019292799142105, 89, "brand_model"},
		// An older driving licence's start date after the label's 期 read as 8, apart from
		// it (8-2021-07-27): the term 6年 had no start to run from.
		{kiosk.KindDrivingLicence, "clean", 2104918512533939540, 85, "valid_from"},
		{kiosk.KindDrivingLicence, "clean", 2104918512533939540, 85, "valid_until"},
		// Before a brand: a speck read as a quote mark, the label's 号.
		{kiosk.KindVehicleLicence, "noise", 2436553860764789534, 90, "brand_model"},
		{kiosk.KindVehicleLicence, "jpeg_low", 5211074862067722729, 31, "brand_model"},
		// Labels whose last character stands nearly on the value's foot, against it (码 of
		// 发动机号码 before EXW…, 号 before LFV…), once read as digits (383EXW…, 65LFV…).
		{kiosk.KindVehicleLicence, "clean", 12411802921718675016, 89, "engine_number"},
		{kiosk.KindVehicleLicence, "noise", 16240370898803947089, 86, "engine_number"},
		{kiosk.KindVehicleLicence, "clean", 13958288019553207046, 86, "vin"},
		// VINs whose J1 the glyph recogniser read as one ideograph, once taken for a read that
		// lost the first letters (LJL6… mended from L6…).
		{kiosk.KindVehicleLicence, "clean", 5479631625987611114, 86, "vin"},
		{kiosk.KindVehicleLicence, "jpeg_low", 8009875718019674238, 36, "vin"},
		// A plate's B read 13 by the Chinese model, B by the Latin one.
		{kiosk.KindVehicleLicence, "clean", 7195557400120090367, 92, "plate_number"},
		// A birth date whose 年 and 月 were lost (1998726), beside an ID number not read.
		{kiosk.KindIDCardFront, "noise", 14127126012857759998, 92, "birth_date"},
		// A name's 一, its columns thin beside a line's band that guilloche made tall.
		{kiosk.KindIDCardFront, "clean", 6066874741486004388, 92, "name"},
		// The label's English row printed within the value's line (racter under 性质 before
		// 非营运), once read as the value's start; and one whose last letter runs under the
		// value's 货: no cut there.
		{kiosk.KindVehicleLicence, "clean", 16063261893420027134, 89, "use_nature"},
		{kiosk.KindVehicleLicence, "clean", 3094295765362391026, 91, "use_nature"},
		// The label's last character in its smaller print, whole before the value: 型 four
		// fifths down the line before 小型轿车 (read 微型轿车), 人 high before 宁波… (八宁波…).
		{kiosk.KindVehicleLicence, "clean", 2668215857857983596, 91, "vehicle_type"},
		{kiosk.KindVehicleLicence, "clean", 68510527445419668, 88, "owner"},
		// An engine number whose V Tesseract read twice, as NV.
		{kiosk.KindVehicleLicence, "clean", 10450352778705920568, 92, "engine_number"},
		// An address in two lines set so close that a stroke bridges their gap.
		{kiosk.KindDrivingLicence, "clean", 18284324172564291981, 91, "address"},
		// An address whose first line ends over the photo's top edge (…149弄), once cut
		// there as if a label followed.
		{kiosk.KindDrivingLicence, "clean", 16580802837502865005, 90, "address"},
		// A class's letter a thin column off the label's 型, the letter and digit spaced
		// wider (准驾车型A1): the wider gap was taken for the label's end (A1 read 1).
		{kiosk.KindDrivingLicence, "clean", 5540038587590230517, 85, "classes"},
		{kiosk.KindDrivingLicence, "clean", 15375893380570817210, 89, "classes"},
		// And no such end where the ink before the gap is a speck (码 after it read 3: 39U…);
		// but one where it is the 马 of 码, a third of a line wide (JA… read A…).
		{kiosk.KindVehicleLicence, "clean", 9150120100280537110, 85, "engine_number"},
		{kiosk.KindVehicleLicence, "clean", 2703127717638600630, 88, "engine_number"},
		// Look-alikes told by the ink: 士 whose lower stroke a held-out face draws only a
		// twelfth shorter than its upper one (集士港 read 集土港), 日 read surely as 曰,
		{kiosk.KindIDCardFront, "clean", 2241025876189006717, 86, "address"},
		{kiosk.KindIDCardFront, "clean", 4779072506108771789, 92, "address"},
		// and 下 whose thin cap came out too pale for either recogniser, read 卜 (留卜街道).
		{kiosk.KindDrivingLicence, "noise", 13197333704974879140, 92, "address"},
		{kiosk.KindDrivingLicence, "perspective", 15106197912006513703, 91, "address"},
		// 樱 whose 婴 blur ran into a blot, read 机 by Tesseract over the glyph recogniser's
		// unsure 樱: the ink its right part holds tells.
		{kiosk.KindIDCardFront, "blur", 2597271080959023129, 87, "address"},
		{kiosk.KindDrivingLicence, "low_light", 5935913534716548322, 86, "address"},
		// An older driving licence's term 10年 whose 1 the label's end, standing over it,
		// took into one character (为0年): the end of validity was lost.
		{kiosk.KindDrivingLicence, "clean", 12726130538830268442, 89, "valid_until"},
		// Vehicle types whose first character the label's 型 touches, read as one character
		// of both and fitted as a wider member's (微型 for 小型, 重型 for 轻型): fitted again
		// where the value's pitch puts its characters.
		{kiosk.KindVehicleLicence, "rotate180", 16653813098724446309, 88, "vehicle_type"},
		{kiosk.KindVehicleLicence, "clean", 9526605021352525491, 85, "vehicle_type"},
		// The label's 码 run into the plate's province (惭, 颖, 加 for 浙) or an engine
		// number's first letter (聿 for P, lost), and 质 into the 货 of 货运 (渍运): read
		// again in the window that leaves the label out.
		{kiosk.KindVehicleLicence, "clean", 2047082533421709703, 88, "plate_number"},
		{kiosk.KindVehicleLicence, "clean", 1935572929243734412, 90, "plate_number"},
		{kiosk.KindVehicleLicence, "low_light", 15685881769508585257, 89, "plate_number"},
		{kiosk.KindVehicleLicence, "rotate180", 18148500101536561224, 90, "plate_number"},
		{kiosk.KindVehicleLicence, "clean", 10114695427566594336, 85, "engine_number"},
		{kiosk.KindVehicleLicence, "clean", 12067496306861526856, 86, "use_nature"},
		// Tesseract passed over the X of 95X143370, which the glyph recogniser read.
		{kiosk.KindVehicleLicence, "clean", 8466098244990248082, 85, "engine_number"},
		// The legs of the label's 人 (所有人), standing higher than the value, cut by the
		// line's band: read 八 before the owner.
		{kiosk.KindVehicleLicence, "clean", 1761904032808619466, 90, "owner"},
		{kiosk.KindVehicleLicence, "jpeg_low", 9927413359944068660, 36, "owner"},
		// …and not the left tick of 宁's 宀, which a thin roof leaves apart, high on the line.
		{kiosk.KindVehicleLicence, "perspective", 8230064510310738983, 91, "owner"},
		// A model code's last J, against the next label's 亻, read ]; not the 亻's stem
		// after a 1, read ] too.
		{kiosk.KindVehicleLicence, "noise", 16199166101762042560, 88, "brand_model"},
		{kiosk.KindVehicleLicence, "clean", 11234422037141419759, 91, "brand_model"},
		// An ID number Tesseract read a digit too long (…235X for …23X), which the glyph
		// read, as long as a number and passing its check, leaves out.
		{kiosk.KindIDCardFront, "clean", 7336295129668378846, 87, "id_number"},
		// The 巾 of 幢 apart from its 童, which alone Tesseract boxed as 幢: the digit read
		// took the 巾 for one more digit (40幢 for 4幢, 391幢 for 39幢).
		{kiosk.KindIDCardFront, "clean", 14785326201046478398, 88, "address"},
		{kiosk.KindIDCardFront, "clean", 15431008400650576661, 88, "address"},
		// …where the number's box also took a sliver of the 童 after the 巾 (110幢 for 11幢).
		{kiosk.KindIDCardFront, "clean", 6781394750288696483, 88, "address"},
		// An engine number whose first character 码 ran into, with 号 apart before: Tesseract
		// read the label's ink as 348 (34854C784672 for 54C784672).
		{kiosk.KindVehicleLicence, "clean", 6483878685358011684, 92, "engine_number"},
		// …but a J, which the glyph recogniser does not know, run into the C after it, stays:
		// Tesseract read it surely (JCB676602, LJ16RAD…, not CB676602 and 16RAD…).
		{kiosk.KindVehicleLicence, "clean", 11271312143715108201, 87, "engine_number"},
		{kiosk.KindVehicleLicence, "low_light", 593489900219840092, 90, "vin"},
		// A VIN keeps its length: Tesseract's unsure J before the window's 1 stays (LJ16RAD…,
		// read J16RAD… by Tesseract, its L lost).
		{kiosk.KindVehicleLicence, "perspective", 13123420270891249779, 92, "vin"},
		// A letter Tesseract invented inside a clean code, at 0.95–0.96, where the glyph
		// recogniser is certain of every character (5SPE410011, GGC9I32343).
		{kiosk.KindVehicleLicence, "clean", 1525482041920428111, 87, "engine_number"},
		{kiosk.KindVehicleLicence, "clean", 14769292803565463810, 87, "engine_number"},
		// 非 of 非营运 run into the end of the label's English (Character非): the arbitrated
		// read held 营运 alone, Tesseract's own the whole member.
		{kiosk.KindVehicleLicence, "clean", 16299128527936235350, 85, "use_nature"},
		// An H whose thin bar fell below the ink threshold: the glyph recogniser read its
		// left stem as a sure 1 (HE1 read 1E1), Tesseract the H in a box four times as wide.
		{kiosk.KindVehicleLicence, "clean", 17701137500202793611, 89, "brand_model"},
		// 幢1 run together by the glyph recogniser; the 1 Tesseract saw beside 603, which
		// both read alike, was left out (603室 for 1603室) until it sent the number to the
		// digit read.
		{kiosk.KindVehicleLicence, "clean", 7153760684084391866, 88, "address"},
	} {
		if got, want, conf := c.read(t, r); got != want {
			t.Errorf("%s %s seed %d: %s %q (%.2f), want %q", c.kind, c.condition, c.seed, c.key, got, conf, want)
		}
	}
}

// TestReadFieldPartRegressions reads parts of fields that were once misread, in photos where
// another part is at the mercy of blur: each part must be read right, and the field right or
// doubtful.
func TestReadFieldPartRegressions(t *testing.T) {
	r := mustReader(t)
	for _, c := range []struct {
		readCase
		part string
	}{
		// A house number's last digit run into 号 (741号 read 74崿); 奉 is blurred to 固
		// as often as not.
		{readCase{kiosk.KindDrivingLicence, "blur", 10525764980906779390, 91, "address"}, "南山路741号"},
		// A model run into the next label (EX8使用性质): its last character stays. Its brand,
		// blurred, reads 风 or 凤 by a pixel's shift of the crop.
		{readCase{kiosk.KindVehicleLicence, "blur", 2345411350595699215, 91, "brand_model"}, "DFH5180XXYEX8"},
		// The 巾 of 幢 taken for one more digit (391幢 for 39幢); the flat's number, broken
		// over two lines (1 / 01室), reads 701 as often.
		{readCase{kiosk.KindIDCardFront, "clean", 11041556492778347689, 86, "address"}, "南苑新村39幢"},
		// A number's last digit run into 室 under blur, as deep as the word: it stays (804室,
		// not 80室).
		{readCase{kiosk.KindDrivingLicence, "blur", 13384293279901100434, 91, "address"}, "18幢804室"},
	} {
		got, want, conf := c.read(t, r)
		if !strings.Contains(want, c.part) {
			t.Fatalf("%q is not part of %q", c.part, want)
		}
		if !strings.Contains(got, c.part) || got != want && conf >= 0.80 {
			t.Errorf("%s %s seed %d: %s %q (%.2f), want %q with %q", c.kind, c.condition, c.seed, c.key, got, conf, want, c.part)
		}
	}
}

// TestReadDoubtsWhatItMayHaveMisread reads fields that were once wrong and confident. Each
// must now be right or below the escalation threshold: a model number run into the next
// label and cut from it with its last character (…K1C3使用性质, …HE1使用性质), a blurred
// licence whose start date misread as another real date beside an end that did not parse, an
// address whose first characters glare reduced to a sliver that was dropped, a use of the
// vehicle that lost its first character (营运 of 非营运), an address that lost its second line.
func TestReadDoubtsWhatItMayHaveMisread(t *testing.T) {
	r := mustReader(t)
	for _, c := range []readCase{
		{kiosk.KindVehicleLicence, "clean", 11977778723634626965, 86, "brand_model"},
		{kiosk.KindVehicleLicence, "rotate180", 6274145888548699868, 91, "brand_model"},
		{kiosk.KindVehicleLicence, "blur", 13451165965478800566, 90, "brand_model"},
		{kiosk.KindDrivingLicence, "blur", 16592811888132340423, 89, "valid_from"},
		// Glare left a narrow sliver of 浙江 before an address, taken for a label's sliver.
		{kiosk.KindVehicleLicence, "degraded", 15839687911278899162, 49, "address"},
		// 非 of 非营运 split by the glyph segmenter into two unsure halves, leaving 营运.
		{kiosk.KindVehicleLicence, "perspective", 13152079598851186220, 91, "use_nature"},
		// An office whose 鄞州分局 glare washed out, leaving 宁波市公安局: an office's name too.
		{kiosk.KindIDCardBack, "degraded", 12340127403662008008, 72, "authority"},
		// An address's second line lost to glare: 招宝山街, every character sure.
		{kiosk.KindDrivingLicence, "degraded", 17550350422867155114, 70, "address"},
	} {
		got, want, conf := c.read(t, r)
		if got != want && conf >= 0.80 {
			t.Errorf("%s %s seed %d: %s %q at %.2f, want %q or a confidence below 0.80", c.kind, c.condition, c.seed, c.key, got, conf, want)
		}
	}
}

// panicking is a recognizer with a bug.
type panicking struct{}

func (panicking) recognize(context.Context, *image.Gray, request) (fields.Reading, error) {
	panic("a bug in a recogniser")
}

// TestReadBugFailsTheRead: a bug met while reading one photo fails that read with EINTERNAL
// and a message for the citizen; the process, and the reader's shared clients, carry on.
func TestReadBugFailsTheRead(t *testing.T) {
	base := mustReader(t)
	buggy := &Reader{cfg: base.cfg, logger: slog.New(slog.DiscardHandler), tess: base.tess, text: panicking{}}
	img, _ := mustGenerate(t, kiosk.KindIDCardFront, "clean", 7497681710211788322, 92)
	_, err := buggy.Read(context.Background(), img, kiosk.KindIDCardFront)
	if kiosk.ErrorCode(err) != kiosk.EINTERNAL {
		t.Fatalf("read with a bug: %v, want %s", err, kiosk.EINTERNAL)
	}
	if _, err := base.Read(context.Background(), img, kiosk.KindIDCardFront); err != nil {
		t.Fatalf("next read: %v", err)
	}
}

// TestPrintedTermRest reads a term whose first digit the label's end standing over it took into
// one character (为0年 for 10年): Tesseract's digits, their first unsure, stand when the glyph
// recogniser is sure of the rest of the term.
func TestPrintedTermRest(t *testing.T) {
	weak := 0.4
	for _, tc := range []struct {
		text       string
		conf       []float64
		second     string
		secondConf float64
		want       string
	}{
		{"104", []float64{weak, 0.99, weak}, "0", 0.99, "10年"},
		{"104", []float64{weak, 0.99, weak}, "0", 0.5, ""}, // the glyph recogniser unsure
		{"64", []float64{weak, weak}, "4", 0.99, ""},       // a one-digit term has no rest
	} {
		got, ok := printedTerm(fields.Reading{Text: tc.text, Conf: tc.conf}, fields.Reading{Text: tc.second, Conf: []float64{tc.secondConf}})
		if ok != (tc.want != "") || got.Text != tc.want {
			t.Errorf("printedTerm(%q %v, %q %.2f) = %q, %v; want %q", tc.text, tc.conf, tc.second, tc.secondConf, got.Text, ok, tc.want)
		}
	}
}

func TestPrintedTerm(t *testing.T) {
	sure, weak := 0.99, 0.4
	tests := []struct {
		text   string
		conf   []float64
		second string // the glyph recogniser's digits
		want   string // "" for no term
	}{
		{"104", []float64{sure, sure, weak}, "", "10年"},
		{"10", []float64{sure, sure}, "", "10年"},
		{"6", []float64{sure}, "", "6年"},
		{"64", []float64{sure, weak}, "", "6年"},
		{"104", []float64{sure, sure, sure}, "", "10年"}, // 年 read surely as 4
		{"1044", []float64{sure, sure, sure, sure}, "", ""},
		{"16", []float64{sure, sure}, "", ""},
		{"10", []float64{sure, weak}, "", "10年"}, // the 1 tells 10 from 6
		{"10", []float64{weak, sure}, "", ""},    // the first digit unsure, and no second read
		{"10", []float64{weak, weak}, "1", "10年"},
		{"6", []float64{weak}, "6", "6年"}, // unsure, but both recognisers read 6
		{"6", []float64{weak}, "8", ""},
		{"1044", []float64{sure, sure, weak, weak}, "", ""},
		{"5", []float64{sure}, "5", ""},
		{"", nil, "", ""},
	}
	for _, tc := range tests {
		got, ok := printedTerm(fields.Reading{Text: tc.text, Conf: tc.conf}, fields.Reading{Text: tc.second})
		if ok != (tc.want != "") || got.Text != tc.want {
			t.Errorf("printedTerm(%q %v) = %q, %v; want %q", tc.text, tc.conf, got.Text, ok, tc.want)
		}
		for _, c := range got.Conf {
			if c > disputedConf {
				t.Errorf("printedTerm(%q): confidence %.2f above %.2f: the term is inferred from its place", tc.text, c, disputedConf)
			}
		}
	}
}

func TestMergeLatin(t *testing.T) {
	tess := fields.Reading{Text: "POV108W", Conf: []float64{1, 1, 0.97, 1, 1, 1, 0.9}}
	glyphRead := fields.Reading{Text: "P0V108V", Conf: []float64{1, 0.99, 1, 1, 1, 1, 0.3}}
	got := mergeLatin(tess, glyphRead, 0)
	// The sure glyph 0 replaces O, doubtful; the unsure glyph V leaves Tesseract's W, doubtful.
	if got.Text != "P0V108W" {
		t.Errorf("got %q, want P0V108W", got.Text)
	}
	for i, want := range []float64{1, disputedConf, 0.97, 1, 1, 1, doubtConf} {
		if got.Conf[i] != want {
			t.Errorf("char %d: confidence %.2f, want %.2f", i, got.Conf[i], want)
		}
	}
	if tess.Conf[1] != 1 || tess.Text != "POV108W" {
		t.Error("the Tesseract reading was changed in place")
	}
	if got := mergeLatin(tess, fields.Reading{Text: "P0V108", Conf: []float64{1, 1, 1, 1, 1, 1}}, 0); got.Text != tess.Text {
		t.Error("reads of different lengths were merged")
	}
	// A glyph read that lost the first letters to the label's end mends the one character
	// of the end Tesseract was unsure of (L for 1), not one it was sure of.
	lj := fields.Reading{Text: "LJL6RAD38S5186172", Conf: []float64{1, 1, 0.92, 0.92, 1, 1, 1, 1, 1, 0.91, 1, 1, 1, 1, 1, 1, 1}}
	tail := fields.Reading{Text: "16RAD38S5186172", Conf: slices.Repeat([]float64{1}, 15)}
	if got := mergeLatin(lj, tail, 17); got.Text != "LJ16RAD38S5186172" || got.Conf[2] != disputedConf {
		t.Errorf("got %q %.2f, want LJ16RAD38S5186172 with the 1 disputed", got.Text, got.Conf)
	}
	lj.Conf[2] = 0.99
	if got := mergeLatin(lj, tail, 17); got.Text != lj.Text || got.Conf[2] != doubtConf || got.Conf[3] != lj.Conf[3] {
		t.Errorf("got %q %.2f: a character Tesseract was sure of was changed, or those only it read are settled", got.Text, got.Conf)
	}
	// The glyph recogniser read J1 as one character outside the whitelist: the J and the L
	// Tesseract read there are not settled, however sure it was, and the check digit may
	// repair them.
	inner := fields.Reading{Text: "L6RAD31MU365291", Conf: slices.Repeat([]float64{1}, 15)}
	sureL := fields.Reading{Text: "LJL6RAD31MU365291", Conf: slices.Repeat([]float64{0.99}, 17)}
	got = mergeLatin(sureL, inner, 17)
	for i, c := range got.Conf {
		if doubt := i == 1 || i == 2; got.Text != sureL.Text || (c == doubtConf) != doubt {
			t.Errorf("got %q %.2f, want %q with only J and L doubtful", got.Text, got.Conf, sureL.Text)
			break
		}
	}
	if v := fields.VIN(got); v.Text != "LJ16RAD31MU365291" || v.Conf >= 0.8 {
		t.Errorf("VIN %+v, want LJ16RAD31MU365291 repaired, doubtful", v)
	}
	// There, a glyph read that keeps its place (a hole where J1 was) lost no first letters:
	// Tesseract's J1, read right but not surely, is not mended to the glyph read's end (L6…).
	holed := fields.Reading{Text: "L\uFFFD6RAD31MU365291", Conf: append([]float64{1, 0}, slices.Repeat([]float64{1}, 14)...)}
	right := fields.Reading{Text: "LJ16RAD31MU365291", Conf: append([]float64{0.99, 0.99, 0.9}, slices.Repeat([]float64{0.99}, 14)...)}
	if got := mergeLatin(right, holed, 17); got.Text != right.Text || got.Conf[2] != doubtConf {
		t.Errorf("got %q %.2f, want %q with the 1 doubtful", got.Text, got.Conf, right.Text)
	}
	// A W the glyph recogniser cut in two, its left half unreadable (a hole), its right half
	// read V: the V stands in the W's place once the hole is gone, but is no reading of it.
	hw := fields.Reading{Text: "HW1926763", Conf: slices.Repeat([]float64{0.99}, 9)}
	halfW := fields.Reading{Text: "H\uFFFDV1926763", Conf: append([]float64{1, 0, 0.94}, slices.Repeat([]float64{1}, 7)...)}
	if got := mergeLatin(hw, halfW, 0); got.Text != hw.Text || got.Conf[1] != doubtConf {
		t.Errorf("got %q %.2f, want %q with the W doubtful", got.Text, got.Conf, hw.Text)
	}
	// A VIN one character too long (S read twice over the ink of D5) beside a glyph read of
	// 17 that it holds, less that character.
	long := fields.Reading{Text: "LZZ1CLDS56NP756515", Conf: []float64{1, 1, 1, 0.6, 0.86, 1, 1, 0.92, 0.92, 1, 1, 1, 1, 1, 1, 1, 1, 1}}
	vin := fields.Reading{Text: "LZZ1CLD56NP756515", Conf: []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}}
	got = mergeLatin(long, vin, 17)
	if got.Text != vin.Text {
		t.Fatalf("got %q, want %q", got.Text, vin.Text)
	}
	for i, want := range []float64{1, 1, 1, 0.6, 0.86, 1, disputedConf, disputedConf, 1} {
		if got.Conf[i] != want {
			t.Errorf("char %d: confidence %.2f, want %.2f", i, got.Conf[i], want)
		}
	}
	// Of no known length, the character goes only when Tesseract was unsure of it.
	if got := mergeLatin(long, vin, 0); got.Text != vin.Text {
		t.Errorf("got %q, want %q", got.Text, vin.Text)
	}
	sureS := fields.Reading{Text: long.Text, Conf: slices.Clone(long.Conf)}
	sureS.Conf[7] = 0.99
	if got := mergeLatin(sureS, vin, 0); got.Text != long.Text {
		t.Error("a read of no known length lost a character Tesseract was sure of")
	}
	// Where the glyph recogniser is certain of every character, a character Tesseract read at
	// less than its clean characters' confidence goes (the I of GGC9I32343); where it is only
	// sure, it stays.
	extraI := fields.Reading{Text: "GGC9I32343", Conf: []float64{0.99, 0.99, 0.99, 0.98, 0.956, 0.99, 0.99, 0.99, 0.99, 0.99}}
	certain := fields.Reading{Text: "GGC932343", Conf: slices.Repeat([]float64{0.9999}, 9)}
	if got := mergeLatin(extraI, certain, 0); got.Text != certain.Text {
		t.Errorf("got %q, want %q", got.Text, certain.Text)
	}
	certain.Conf[8] = 0.99
	if got := mergeLatin(extraI, certain, 0); got.Text != extraI.Text {
		t.Errorf("got %q, want %q: the glyph read is not certain of its last character", got.Text, extraI.Text)
	}
	// Nor is a read cut to a glyph read that holds its end: the glyph recogniser, as often
	// as it leaves out the label's end read as digits, loses a value's first letter.
	engine := fields.Reading{Text: "3338XVE476805", Conf: []float64{0.96, 0.83, 0.92, 0.92, 0.95, 0.97, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99}}
	if got := mergeLatin(engine, fields.Reading{Text: "XVE476805", Conf: []float64{1, 1, 1, 1, 1, 1, 1, 1, 1}}, 0); got.Text != engine.Text {
		t.Errorf("got %q, want Tesseract's %q", got.Text, engine.Text)
	}
	if got := mergeLatin(long, fields.Reading{Text: "LZZ1CLD56NP756516", Conf: vin.Conf}, 17); got.Text != long.Text {
		t.Error("a character dropped where the two reads differ elsewhere too")
	}
	// Tesseract passed over the X that the glyph recogniser, sure of every character, read
	// within the value: the X is taken, disputed. Not a sure glyph character before the
	// value's first (a label's remnant), nor one the glyph recogniser was unsure of.
	short := fields.Reading{Text: "95143370", Conf: []float64{1, 1, 0.83, 1, 1, 1, 1, 1}}
	withX := fields.Reading{Text: "95X143370", Conf: slices.Repeat([]float64{1}, 9)}
	got = mergeLatin(short, withX, 0)
	if got.Text != withX.Text || !slices.Equal(got.Conf, []float64{1, 1, disputedConf, 0.83, 1, 1, 1, 1, 1}) {
		t.Errorf("got %q %.2f, want %q with the X disputed", got.Text, got.Conf, withX.Text)
	}
	if got := mergeLatin(short, fields.Reading{Text: "395143370", Conf: withX.Conf}, 0); got.Text != short.Text {
		t.Errorf("got %q, want Tesseract's %q: a character before the value's first was added", got.Text, short.Text)
	}
	unsureX := fields.Reading{Text: withX.Text, Conf: slices.Clone(withX.Conf)}
	unsureX.Conf[2] = 0.5
	if got := mergeLatin(short, unsureX, 0); got.Text != short.Text {
		t.Errorf("got %q, want Tesseract's %q: a character the glyph recogniser was unsure of was added", got.Text, short.Text)
	}
}

// TestBrandsReadable checks that the glyph recogniser knows every character of the brands it
// fits a misread brand to: a brand holding one it does not know would never be fitted.
func TestBrandsReadable(t *testing.T) {
	g, err := glyph.Default()
	if err != nil {
		t.Fatal(err)
	}
	known := map[rune]bool{}
	for _, r := range g.Chars() {
		known[r] = true
	}
	seen := map[string]bool{}
	for _, b := range fields.VehicleBrands {
		if seen[b] {
			t.Errorf("brand %s listed twice", b)
		}
		seen[b] = true
		for _, r := range b {
			if !known[r] {
				t.Errorf("brand %s: the glyph recogniser does not know %c", b, r)
			}
		}
	}
}

// TestLicenceKindHeldOut asks the reader to tell the two licences apart on photos in fonts it
// was not tuned on, clean and under perspective, upright and upside down: their paper is
// tinted darker than the tuning renders', which an absolute threshold took for a portrait.
func TestLicenceKindHeldOut(t *testing.T) {
	r := mustReader(t)
	for _, k := range []kiosk.DocKind{kiosk.KindDrivingLicence, kiosk.KindVehicleLicence} {
		for seed := uint64(1); seed <= 4; seed++ {
			for _, condition := range []string{"clean", "perspective", "rotate180"} {
				img, _ := mustGenerate(t, k, condition, seed, 90)
				c, _, err := r.rectify(img, kiosk.KindAuto)
				if err != nil || c == nil {
					t.Fatalf("%s %s seed %d: no card (%v)", k, condition, seed, err)
				}
				if c.kind != k {
					t.Errorf("%s %s seed %d: read as %s", k, condition, seed, c.kind)
				}
			}
		}
	}
}

// TestKindInTheDark asks the reader to decide the kind of dark photos, whose colour cues (the
// ID front's blue labels, the red emblem and seals) are too faint to tell: the portrait, or
// its absence, still tells each family's two kinds apart.
func TestKindInTheDark(t *testing.T) {
	r := mustReader(t)
	for _, k := range kiosk.DocKinds {
		for seed := uint64(1); seed <= 4; seed++ {
			img, _ := mustGenerate(t, k, "low_light", seed, 90)
			c, _, err := r.rectify(img, kiosk.KindAuto)
			if err != nil || c == nil {
				t.Fatalf("%s seed %d: no card (%v)", k, seed, err)
			}
			if c.kind != k {
				t.Errorf("%s seed %d: read as %s", k, seed, c.kind)
			}
		}
	}
}
