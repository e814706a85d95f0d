// Package cardgen renders synthetic Chinese ID cards, driving licences and vehicle
// licences with the geometry of CARDS.md §2, photographs them synthetically
// (perspective, rotation, blur, noise, glare, low light, JPEG, photocopy, screen
// moiré) and records the ground truth a reader is scored against: field values
// normalised as the reader must return them, expected quality flags, and where the
// card's corners landed.
//
// Everything is deterministic in the seed. Fonts come from Debian packages
// (scripts/setup.sh); a FontSet assigns one to each text role so that the same
// record can be printed in fonts a reader was not tuned on.
//
//	fs, _ := cardgen.LoadFontSet("heldout")
//	s, _ := cardgen.Generate(cardgen.Spec{Kind: cardgen.IDFront, Condition: "perspective", Fonts: fs, Seed: 7})
//	_ = s.Write(dir, "0007_id_card_front")    // JPEG + JSON ground truth
//
// Lower-level pieces: NewRecord (plausible or deliberately invalid records), Render
// (a flat card on its canonical canvas), Photograph (a card in a frame), RenderLine
// (one text line for a glyph recogniser) and Font.Coverage (which characters a font
// can print).
package cardgen
