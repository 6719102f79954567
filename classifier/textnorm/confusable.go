package textnorm

// confusable maps letters of other scripts to the basic Latin letter they
// look like, lower-cased. It is our selection from the facts in Unicode's
// confusables data (UTS #39): only single letters whose prototype is a single
// Latin letter, from the scripts used to disguise English words (Greek,
// Cyrillic, Armenian, Cherokee). Keys keep their case, because the lookalike
// depends on it (Cyrillic Н looks like H, н does not look like h).
//
// One deliberate departure: UTS #39 maps capital I and its lookalikes (Greek
// Ι, Cyrillic І) to "l", its prototype for the I/l/1 family. We compare
// lower-cased text, where those letters stand for "i", so they map to "i".
//
// The table is consulted only for words that mix these letters with Latin
// ones, or for words made only of such lookalikes in a mostly Latin text (see
// Text.Fold); Russian, Greek or Armenian words in their own texts are left
// alone.
var confusable = map[rune]byte{
	// Greek capitals.
	0x037F: 'j', // Ϳ yot
	0x0391: 'a', // Α alpha
	0x0392: 'b', // Β beta
	0x0395: 'e', // Ε epsilon
	0x0396: 'z', // Ζ zeta
	0x0397: 'h', // Η eta
	0x0399: 'i', // Ι iota
	0x039A: 'k', // Κ kappa
	0x039C: 'm', // Μ mu
	0x039D: 'n', // Ν nu
	0x039F: 'o', // Ο omicron
	0x03A1: 'p', // Ρ rho
	0x03A4: 't', // Τ tau
	0x03A5: 'y', // Υ upsilon
	0x03A7: 'x', // Χ chi
	0x03DC: 'f', // Ϝ digamma
	0x03FA: 'm', // Ϻ san
	// Greek small letters.
	0x03B1: 'a', // α alpha
	0x03B3: 'y', // γ gamma
	0x03B9: 'i', // ι iota
	0x03BD: 'v', // ν nu
	0x03BF: 'o', // ο omicron
	0x03C1: 'p', // ρ rho
	0x03C3: 'o', // σ sigma
	0x03C5: 'u', // υ upsilon
	0x03F3: 'j', // ϳ yot

	// Cyrillic capitals.
	0x0405: 's', // Ѕ dze
	0x0406: 'i', // І Byelorussian-Ukrainian i
	0x0408: 'j', // Ј je
	0x0410: 'a', // А a
	0x0412: 'b', // В ve
	0x0415: 'e', // Е ie
	0x041A: 'k', // К ka
	0x041C: 'm', // М em
	0x041D: 'h', // Н en
	0x041E: 'o', // О o
	0x0420: 'p', // Р er
	0x0421: 'c', // С es
	0x0422: 't', // Т te
	0x0423: 'y', // У u
	0x0425: 'x', // Х ha
	0x042C: 'b', // Ь soft sign
	0x0474: 'v', // Ѵ izhitsa
	0x04AE: 'y', // Ү straight u
	0x04C0: 'l', // Ӏ palochka
	0x050C: 'g', // Ԍ komi sje
	0x051C: 'w', // Ԝ we
	// Cyrillic small letters.
	0x0430: 'a', // а a
	0x0433: 'r', // г ghe
	0x0435: 'e', // е ie
	0x043E: 'o', // о o
	0x0440: 'p', // р er
	0x0441: 'c', // с es
	0x0443: 'y', // у u
	0x0445: 'x', // х ha
	0x0455: 's', // ѕ dze
	0x0456: 'i', // і Byelorussian-Ukrainian i
	0x0458: 'j', // ј je
	0x0461: 'w', // ѡ omega
	0x0475: 'v', // ѵ izhitsa
	0x04AF: 'y', // ү straight u
	0x04BB: 'h', // һ shha
	0x04BD: 'e', // ҽ Abkhasian che
	0x04CF: 'i', // ӏ small palochka
	0x0501: 'd', // ԁ komi de
	0x051B: 'q', // ԛ qa
	0x051D: 'w', // ԝ we

	// Armenian.
	0x054D: 'u', // Ս seh
	0x054F: 's', // Տ tiwn
	0x0555: 'o', // Օ oh
	0x0561: 'w', // ա ayb
	0x0563: 'q', // գ gim
	0x0566: 'q', // զ za
	0x0570: 'h', // հ ho
	0x0578: 'n', // ո vo
	0x057C: 'n', // ռ ra
	0x057D: 'u', // ս seh
	0x0581: 'g', // ց co
	0x0584: 'f', // ք keh
	0x0585: 'o', // օ oh

	// Cherokee (its capitals, which look like Latin capitals).
	0x13A0: 'd', // Ꭰ a
	0x13A1: 'r', // Ꭱ e
	0x13A2: 't', // Ꭲ i
	0x13A5: 'i', // Ꭵ v
	0x13A9: 'y', // Ꭹ gi
	0x13AA: 'a', // Ꭺ go
	0x13AB: 'j', // Ꭻ gu
	0x13AC: 'e', // Ꭼ gv
	0x13B3: 'w', // Ꮃ la
	0x13B7: 'm', // Ꮇ lu
	0x13BB: 'h', // Ꮋ mi
	0x13BD: 'y', // Ꮍ mu
	0x13C0: 'g', // Ꮐ nah
	0x13C2: 'h', // Ꮒ ni
	0x13C3: 'z', // Ꮓ no
	0x13CF: 'b', // Ꮟ si
	0x13D2: 'r', // Ꮢ sv
	0x13D4: 'w', // Ꮤ ta
	0x13D5: 's', // Ꮥ de
	0x13D9: 'v', // Ꮩ do
	0x13DA: 's', // Ꮪ du
	0x13DE: 'l', // Ꮮ tle
	0x13DF: 'c', // Ꮯ tli
	0x13E2: 'p', // Ꮲ tlv
	0x13E6: 'k', // Ꮶ tso
	0x13E7: 'd', // Ꮷ tsu
	0x13F3: 'g', // Ᏻ yu
	0x13F4: 'b', // Ᏼ yv
}
