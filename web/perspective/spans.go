package perspective

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// byteSpan is a half-open range of byte offsets into a text.
type byteSpan struct{ start, end int }

// sentences splits text into sentence spans, the unit Perspective's span scores use. A
// sentence ends after a run of terminal punctuation (. ! ? … and their full-width forms,
// with any closing quotes or brackets after them) that is followed by white space, or at a
// line break. Each span is trimmed of surrounding white space; blank ones are dropped. The
// rule is deliberately simple: "Dr. Smith" splits in two, which costs a slightly less
// informative span, never a wrong offset.
func sentences(text string) []byteSpan {
	var out []byteSpan
	add := func(start, end int) {
		s := strings.TrimLeftFunc(text[start:end], unicode.IsSpace)
		start = end - len(s)
		end = start + len(strings.TrimRightFunc(s, unicode.IsSpace))
		if end > start {
			out = append(out, byteSpan{start, end})
		}
	}
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			add(start, i)
			start = i + size
		case isTerminal(r):
			j := i + size
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if !isTerminal(r2) && !isCloser(r2) {
					break
				}
				j += s2
			}
			if r2, _ := utf8.DecodeRuneInString(text[j:]); j == len(text) || unicode.IsSpace(r2) {
				add(start, j)
				start = j
			}
			i = j
			continue
		}
		i += size
	}
	add(start, len(text))
	return out
}

func isTerminal(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '。', '！', '？':
		return true
	}
	return false
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '}', '»', '”', '’':
		return true
	}
	return false
}

// utf16Offsets converts ascending byte offsets into text to offsets in UTF-16 code units,
// Perspective's unit for span begin and end: characters outside the Basic Multilingual Plane
// (most emoji) count two, every other character one, whatever its length in UTF-8. Each
// offset must fall on a character boundary. The conversion walks the text once.
func utf16Offsets(text string, offsets []int) []int {
	out := make([]int, len(offsets))
	pos, units := 0, 0
	for k, off := range offsets {
		for pos < off {
			r, size := utf8.DecodeRuneInString(text[pos:])
			units += utf16Len(r)
			pos += size
		}
		out[k] = units
	}
	return out
}

// utf16Len is how many UTF-16 code units encode r. Invalid UTF-8 decodes as U+FFFD, which is
// also what a JSON decoder makes of a lone surrogate escape: one unit either way.
func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// sentenceScores is one sentence's byte span and its tone scores, scored on its own.
type sentenceScores struct {
	span byteSpan
	tone map[string]float64
	// begin and end are span in UTF-16 code units.
	begin, end int
}

// maxSpans bounds the span scores of one request. A text with more sentences is cut into
// maxSpans runs of consecutive sentences, so every part of it is still covered and the cost
// stays linear in the text.
const maxSpans = 100

// groupSpans merges consecutive spans into at most max runs of (nearly) equal counts.
func groupSpans(spans []byteSpan, max int) []byteSpan {
	if len(spans) <= max {
		return spans
	}
	out := make([]byteSpan, 0, max)
	for g := 0; g < max; g++ {
		first, last := g*len(spans)/max, (g+1)*len(spans)/max-1
		out = append(out, byteSpan{spans[first].start, spans[last].end})
	}
	return out
}

// capSpans cuts every span longer than n bytes (possible only in a comment longer than the
// service reads at once, see assessComment) at character boundaries, so each can be scored.
func capSpans(text string, spans []byteSpan, n int) []byteSpan {
	out := spans[:0:0]
	for _, sp := range spans {
		for sp.end-sp.start > n {
			cut := sp.start + len(cutUTF8(text[sp.start:], n))
			out = append(out, byteSpan{sp.start, cut})
			sp.start = cut
		}
		out = append(out, sp)
	}
	return out
}

// scoreSentences scores each sentence of text separately, as Perspective's span scores do.
// Span scores are tone scores, which read the comment alone, so the context is not scored
// again for every sentence; the sentences are scored without explanations, and the loop stops
// when the request's context ends (client gone or request timeout).
func (s *Handler) scoreSentences(c *gin.Context, text string) ([]sentenceScores, error) {
	spans := capSpans(text, groupSpans(sentences(text), maxSpans), moderation.MaxCommentBytes)
	offsets := make([]int, 0, 2*len(spans))
	texts := make([]string, 0, len(spans))
	for _, sp := range spans {
		offsets = append(offsets, sp.start, sp.end)
		texts = append(texts, text[sp.start:sp.end])
	}
	units := utf16Offsets(text, offsets)
	tones, err := s.Svc.ScoreTones(c.Request.Context(), texts)
	if err != nil {
		return nil, fmt.Errorf("score sentences: %w", err)
	}
	out := make([]sentenceScores, len(spans))
	for i, sp := range spans {
		out[i] = sentenceScores{span: sp, tone: tones[i], begin: units[2*i], end: units[2*i+1]}
	}
	return out, nil
}

// spanScoresFor lists one attribute's sentence scores, leaving out those under its threshold
// (Perspective returns no score below scoreThreshold, span or summary).
func spanScoresFor(spans []sentenceScores, p attributePlan) []perspectiveSpanScore {
	var out []perspectiveSpanScore
	for _, sp := range spans {
		v, ok := toneValue(sp.tone, p.head)
		if !ok || v < p.threshold {
			continue
		}
		out = append(out, perspectiveSpanScore{Begin: sp.begin, End: sp.end,
			Score: perspectiveScore{Value: v, Type: scoreTypeProbability}})
	}
	return out
}
