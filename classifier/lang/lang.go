// Package lang tells which language a comment is written in, offline, with a small trigram
// detector (github.com/abadojack/whatlanggo) behind a conservative gate: a text is only called
// non-English when it has enough letters, the detector prefers the other language to English
// by a clear margin, and the text is not full of English function words. Short replies such as
// "Yes", "ok" or "+1" come out undetermined, never as a foreign language.
package lang

import (
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// Undetermined is the code Detect returns when it cannot tell the language.
const Undetermined = ""

// English is the ISO 639-1 code of English.
const English = "en"

const (
	// maxBytes caps the text the detector reads: the opening 2 kB of a comment tell its
	// language as well as the whole, and detection cost grows with length.
	maxBytes = 2048
	// minLetters is the fewest letters a text needs before any language is named. Trigram
	// profiles need a few words; below this, replies like "Thanks!" or "Fair enough." match
	// Creole, Hausa or Danish profiles about as well as English.
	minLetters = 12
	// minScriptLetters is the fewest letters a text in a non-Latin script needs: the script
	// alone rules English out, and a few characters of Han or Hangul already carry words.
	minScriptLetters = 4
	// minForeignWords is the fewest words a Latin-script text needs to be called non-English.
	// Measured on English reader comments: below seven words, headline-style fragments
	// ("Canadians love to hear flattering lies.") match Danish, Spanish or French profiles
	// better than English about once in two hundred comments.
	minForeignWords = 7
	// minAccentedWords is the fewest words a shorter text needs when it has at least
	// minAccented letters outside ASCII (ı, ş, ä, é, ...), which English text rarely has:
	// Turkish and Finnish say a lot in few, long words.
	minAccentedWords = 4
	minAccented      = 2
	// minDistinctWords is the fewest different words a text needs to be called non-English.
	minDistinctWords = 4
	// minLowerShare is the share of words a non-English text must start in lower case: a
	// list of names and places ("Japan, S. Korea, Taiwan, ...") gives trigrams of no
	// language. German capitalises nouns and still has about two thirds in lower case.
	minLowerShare = 0.5
	// minForeignConfidence is how clearly the detector must prefer the other language to
	// English, when it compares only the two (whatlanggo's confidence: 0 a tie, 1 certain).
	minForeignConfidence = 0.7
	// maxEnglishShare is the share of words that may be English function words in a text
	// still called non-English: English text with foreign names and loan words keeps its
	// "the", "you" and "that", while a German or French sentence has none of them.
	maxEnglishShare = 0.12
)

// Detect returns the ISO 639-1 code of text's language ("en", "de", ..., or an ISO 639-3
// code for a language without one) and the detector's confidence in [0, 1], or Undetermined
// and 0 when the text is too short or has too few letters to tell.
func Detect(text string) (code string, confidence float64) {
	text = stripLinks(clip(text, maxBytes))
	c := count(text)
	if c.letters < minScriptLetters || c.latin > 0 && c.letters < minLetters {
		return Undetermined, 0
	}
	if share := c.englishShare(); c.latin*2 > c.letters && share > maxEnglishShare {
		// Latin letters and plenty of English function words: English, whatever the trigrams
		// say about the names in it. This is the common case, and it skips the detector,
		// which costs a hundred times more than counting words.
		return English, min(1, share/(2*maxEnglishShare))
	}
	info := detect(text, options)
	switch {
	case info.Script == nil || info.Lang < 0:
		return Undetermined, 0
	case info.Lang == whatlanggo.Eng:
		return English, info.Confidence
	case info.Script != unicode.Latin:
		// The script rules English out, but it must hold most of the letters, so that a few
		// lookalike Cyrillic letters in an English insult do not make it Russian, and a
		// script several languages share needs as many letters as Latin to tell them apart.
		if c.latin*2 >= c.letters || sharedScript(info.Script) && c.letters < minLetters {
			return Undetermined, 0
		}
		return iso(info.Lang), info.Confidence
	case !c.enoughForForeign():
		return shortForeign(text, c)
	}
	// Ask the detector to choose between English and its pick alone: its confidence over all
	// languages only compares the two best, which for English text are often two unrelated
	// languages that both beat English on a short, name-heavy comment.
	pair := detect(text, whatlanggo.Options{
		Whitelist: map[whatlanggo.Lang]bool{whatlanggo.Eng: true, info.Lang: true},
	})
	switch {
	case pair.Lang == whatlanggo.Eng:
		return English, pair.Confidence
	case pair.Confidence < minForeignConfidence:
		return Undetermined, 0
	}
	return iso(info.Lang), pair.Confidence
}

// detect is whatlanggo.DetectWithOptions made deterministic. The detector keeps its language
// profiles in a map, so when several languages are exactly as close to text as the best
// (confidence 0), which of them it names depends on map order. detect then finds them all,
// leaving out one at a time, and names the one with the lowest Lang value.
func detect(text string, opts whatlanggo.Options) whatlanggo.Info {
	info := whatlanggo.DetectWithOptions(text, opts)
	if info.Lang < 0 || info.Confidence != 0 {
		return info
	}
	best := info.Lang
	tied := map[whatlanggo.Lang]bool{info.Lang: true}
	for {
		rest := whatlanggo.Options{}
		if len(opts.Whitelist) != 0 {
			rest.Whitelist = map[whatlanggo.Lang]bool{}
			for l := range opts.Whitelist {
				if !tied[l] {
					rest.Whitelist[l] = true
				}
			}
			if len(rest.Whitelist) == 0 {
				break
			}
		} else {
			rest.Blacklist = maps.Clone(opts.Blacklist)
			if rest.Blacklist == nil {
				rest.Blacklist = map[whatlanggo.Lang]bool{}
			}
			maps.Copy(rest.Blacklist, tied)
		}
		next := whatlanggo.DetectWithOptions(text, rest)
		if next.Lang < 0 {
			break
		}
		pair := whatlanggo.DetectWithOptions(text, whatlanggo.Options{
			Whitelist: map[whatlanggo.Lang]bool{info.Lang: true, next.Lang: true},
		})
		if pair.Confidence != 0 {
			break // next is farther than the tied ones
		}
		tied[next.Lang] = true
		best = min(best, next.Lang)
	}
	info.Lang = best
	return info
}

// sharedScript reports whether several of the detector's languages use script.
func sharedScript(script *unicode.RangeTable) bool {
	switch script {
	case unicode.Cyrillic, unicode.Arabic, unicode.Devanagari, unicode.Hebrew, unicode.Ethiopic:
		return true
	}
	return false
}

// options leaves out Latin-script languages whose trigram profiles match English comments
// (Haitian Creole, Malagasy, Ilocano, Uyghur in Latin script, ...) or a larger neighbour
// (Afrikaans for Dutch, Nynorsk for Swedish, Uzbek for Turkish) on one line of text more often
// than a news site will see them. A comment in one of them is reported as the nearest language
// kept, which is still not English, so the policy still sees it.
var options = whatlanggo.Options{Blacklist: map[whatlanggo.Lang]bool{
	whatlanggo.Afr: true, whatlanggo.Aka: true, whatlanggo.Azj: true, whatlanggo.Ceb: true,
	whatlanggo.Epo: true, whatlanggo.Hat: true, whatlanggo.Hau: true, whatlanggo.Ibo: true,
	whatlanggo.Ilo: true, whatlanggo.Jav: true, whatlanggo.Kin: true, whatlanggo.Kur: true,
	whatlanggo.Mlg: true, whatlanggo.Nno: true, whatlanggo.Nya: true, whatlanggo.Orm: true,
	whatlanggo.Run: true, whatlanggo.Sna: true, whatlanggo.Som: true, whatlanggo.Tuk: true,
	whatlanggo.Uig: true, whatlanggo.Uzb: true, whatlanggo.Yor: true, whatlanggo.Zul: true,
}}

// enoughForForeign reports whether a Latin-script text has the length and the lower-case
// words that a non-English verdict needs.
func (c counts) enoughForForeign() bool {
	// It also needs minDistinctWords different words, so that a short phrase repeated ("Nice
	// day nice day ...") is not read as a long text.
	long := (c.words >= minForeignWords || c.words >= minAccentedWords && c.accented >= minAccented) &&
		c.distinct >= minDistinctWords
	return long && float64(c.lower) >= minLowerShare*float64(c.words)
}

// englishShare is the share of words that are English function words or contractions.
func (c counts) englishShare() float64 {
	if c.words == 0 {
		return 0
	}
	return float64(c.english) / float64(c.words)
}

func iso(l whatlanggo.Lang) string {
	if code := l.Iso6391(); code != "" {
		return code
	}
	return l.Iso6393()
}

// stripLinks drops URLs, e-mail addresses, @mentions and #hashtags, whose trigrams belong
// to no language (and "http" looks like no English word either).
func stripLinks(s string) string {
	if !strings.ContainsAny(s, "/@#") && !strings.Contains(s, "www.") {
		return s
	}
	fields := strings.Fields(s)
	kept := fields[:0]
	for _, f := range fields {
		if strings.Contains(f, "://") || strings.HasPrefix(f, "www.") || strings.ContainsAny(f, "@#") {
			continue
		}
		kept = append(kept, f)
	}
	return strings.Join(kept, " ")
}

// clip cuts s to at most n bytes without splitting a UTF-8 sequence.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// counts are the letter and word statistics Detect's gate uses.
type counts struct {
	letters, latin int // letters, and those in the Latin script
	accented       int // Latin letters outside ASCII
	words, lower   int // words, and those that start in lower case
	english        int // words that are English function words or contractions
	// distinct counts different words (case-insensitively) up to minDistinctWords; seen holds them.
	distinct int
	seen     [minDistinctWords]string
}

// addDistinct counts w if it is new among the first minForeignWords different words.
func (c *counts) addDistinct(w []rune) {
	if c.distinct >= len(c.seen) {
		return
	}
	s := strings.ToLower(string(w))
	for _, x := range c.seen[:c.distinct] {
		if x == s {
			return
		}
	}
	c.seen[c.distinct] = s
	c.distinct++
}

func count(text string) counts {
	var c counts
	eachWord(text, func(word []rune) {
		for _, r := range word {
			if r == '\'' {
				continue
			}
			c.letters++
			if unicode.Is(unicode.Latin, r) {
				c.latin++
				if r >= utf8.RuneSelf {
					c.accented++
				}
			}
		}
		c.words++
		if unicode.IsLower(word[0]) {
			c.lower++
		}
		if isEnglish(word) {
			c.english++
		}
		c.addDistinct(word)
	})
	return c
}

// eachWord calls f with each word of text in order: a run of letters with the apostrophes
// inside or after it, a typographic apostrophe read as a plain one. Every letter of text is in
// some word. f must not keep word, whose array is reused.
func eachWord(text string, f func(word []rune)) {
	var word []rune
	for _, r := range text {
		switch {
		case unicode.IsLetter(r):
			word = append(word, r)
		case (r == '\'' || r == '’') && len(word) > 0:
			word = append(word, '\'')
		case len(word) > 0:
			f(word)
			word = word[:0]
		}
	}
	if len(word) > 0 {
		f(word)
	}
}

// isEnglish reports whether word (as written) is an English function word or ends in an
// English contraction ("couldn't", "we'll", "they've"), which no other language has. Every
// entry is ASCII, so other words are ruled out without building a string.
func isEnglish(word []rune) bool {
	var buf [16]byte
	if len(word) > len(buf) {
		return false
	}
	for i, r := range word {
		if r >= utf8.RuneSelf {
			return false
		}
		buf[i] = byte(unicode.ToLower(r))
	}
	w := buf[:len(word)]
	if englishWords[string(w)] {
		return true
	}
	for _, suffix := range []string{"n't", "'ll", "'ve", "'re", "'m", "'d"} {
		if len(w) > len(suffix) && string(w[len(w)-len(suffix):]) == suffix {
			return true
		}
	}
	return false
}

// englishWords are frequent English function words that are not also common words of
// another Latin-script language ("is" and "over" are Dutch, "to" Polish, "but" French, "has"
// Spanish, "at" and "her" Danish, "just" Swedish, "also" and "will" German, so they are left
// out).
var englishWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the and you your you're are of that that's this these those
		what with have having not it it's they their there them she his him would should could about from how who
		why when where which been were being if our than then because very think like know
		people does did get got out up one any some only into after before same
		much many well please thanks thank yes yeah good great really never always nothing
		something everyone anyone here now new too`) {
		englishWords[w] = true
	}
}
