package dashboard

import (
	"strings"

	"github.com/tribune/tribune/moderation"
)

// maxSentenceBytes bounds the deciding sentence shown beside a score.
const maxSentenceBytes = 240

// decidingSentence is the sentence of text that carries most of a head's positive weight in
// cs, when text has more than one sentence ("" otherwise, or when no weight is placed): civil
// padding around one abusive sentence is common, and the moderator reads the sentence that
// pushed the score up rather than hunting for it. A sentence ends at ., ! or ? followed by
// white space, or at a line break.
func decidingSentence(text string, cs []moderation.Contribution) string {
	sents := sentenceRanges(text)
	if len(sents) < 2 {
		return ""
	}
	best, bestW := -1, 0.0
	for i, r := range sents {
		w := 0.0
		for _, ct := range cs {
			if ct.Weight > 0 && validSpan(text, ct.Start, ct.End) && ct.Start >= r[0] && ct.End <= r[1] {
				w += ct.Weight
			}
		}
		if w > bestW {
			best, bestW = i, w
		}
	}
	if best < 0 {
		return ""
	}
	s := strings.TrimSpace(text[sents[best][0]:sents[best][1]])
	if len(s) > maxSentenceBytes {
		cut := maxSentenceBytes
		for cut > 0 && !validSpan(s, 0, cut) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// sentenceRanges splits text into sentence byte ranges.
func sentenceRanges(text string) [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		end := -1
		switch {
		case c == '\n':
			end = i
		case (c == '.' || c == '!' || c == '?') && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n' || text[i+1] == '\t'):
			end = i + 1
		}
		if end < 0 {
			continue
		}
		if strings.TrimSpace(text[start:end]) != "" {
			out = append(out, [2]int{start, end})
		}
		start = end
	}
	if strings.TrimSpace(text[start:]) != "" {
		out = append(out, [2]int{start, len(text)})
	}
	return out
}
