// Package glyph reads single lines of printed Chinese text — names,
// addresses and issuing authorities on ID cards and licences — character by
// character, covering all 8 105 characters of the 通用规范汉字表 (2013),
// including the third-level characters for personal and place names that
// Tesseract's stock Chinese model does not know.
//
// The line is cut into character cells at blank columns; a path search
// groups the pieces of multi-part characters (明, 川, 北) by asking which
// grouping the classifier likes best. Each cell is normalised and described
// by 8-direction gradient histograms, projected into a discriminant space
// and matched against prototypes rendered from several Hei and Song fonts.
// Confidence comes from the margin between the best and the runner-up
// character and is calibrated on fonts outside the build, so that a
// look-alike of an unknown character is reported below Threshold and the
// case escalates.
//
// Pure Go, no cgo. The model (ocr/glyph/model/glyph.model) is rebuilt with
//
//	go run ./ocr/glyph/cmd/glyphbuild -out ocr/glyph/model/glyph.model
//
// and measured on held-out fonts with
//
//	go run ./ocr/glyph/cmd/glyphbench
package glyph
