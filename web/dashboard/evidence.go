package dashboard

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tribune/tribune/moderation"
)

// Evidence limits. A bag-of-words score sums hundreds of small weights; showing them all
// (as the dashboard once did, marking most of a comment) tells a moderator nothing. Only the
// few features that carry real weight are listed, and only the ones raising a score are marked.
const (
	evidencePerHead = 5   // features listed per tone head
	evidenceMin     = 0.1 // |weight| below this is not listed at all
	markMin         = 0.3 // weight a listed feature needs to be marked in the text
)

// featureLabel writes a classifier feature name the way a moderator reads it. The names are
// prefix:value; unknown prefixes are shown as they are.
func featureLabel(f string) string {
	prefix, v, ok := strings.Cut(f, ":")
	if !ok {
		return f
	}
	q := func(s string) string { return "“" + s + "”" }
	switch prefix {
	case "word":
		return q(v)
	case "bigram":
		return q(v)
	case "neg":
		return q(v) + " after a negation"
	case "chars":
		// Character n-grams mark word edges with < and >.
		s := strings.TrimPrefix(strings.TrimSuffix(v, ">"), "<")
		if !strings.HasPrefix(v, "<") {
			s = "…" + s
		}
		if !strings.HasSuffix(v, ">") {
			s += "…"
		}
		return "spelling " + q(s)
	case "piece":
		if rest, ok := strings.CutPrefix(v, "##"); ok {
			return "word ending " + q("…"+rest)
		}
		return "word start " + q(v+"…")
	case "lex":
		if rest, ok := strings.CutPrefix(v, "you+"); ok {
			return "‘you’ + " + lexName(rest)
		}
		return lexName(v) + " word"
	}
	return f
}

// lexName is a lexicon category's name ("identity_attack" → "identity attack").
func lexName(cat string) string { return strings.ReplaceAll(cat, "_", " ") }

// headEvidence aggregates one head's contributions by feature, strongest first. A feature that
// occurs several times (a word used twice) is one row with its count; its weight is the weight
// of one occurrence, which is what each marked occurrence in the text shows.
func headEvidence(cs []moderation.Contribution) []tokenWeight {
	idx := map[string]int{}
	var out []tokenWeight
	for _, ct := range cs {
		if i, ok := idx[ct.Feature]; ok {
			out[i].Count++
			continue
		}
		idx[ct.Feature] = len(out)
		out = append(out, tokenWeight{Feature: ct.Feature, Label: featureLabel(ct.Feature), Weight: ct.Weight, Count: 1})
	}
	sort.SliceStable(out, func(i, j int) bool { return abs(out[i].Weight) > abs(out[j].Weight) })
	kept := out[:0]
	for _, tw := range out {
		if len(kept) == evidencePerHead || abs(tw.Weight) < evidenceMin {
			break
		}
		kept = append(kept, tw)
	}
	return kept
}

// span is one marked byte range with its description.
type span struct {
	start, end int
	parts      []string
	class      string
}

// validSpan reports whether a classifier offset pair lies inside text on rune boundaries.
// Offsets come from the classifier and are checked, not trusted.
func validSpan(text string, start, end int) bool {
	return start >= 0 && end <= len(text) && start < end &&
		utf8.RuneStart(text[start]) && (end == len(text) || utf8.RuneStart(text[end]))
}

// highlight splits text into plain and marked segments. It marks the listed features (see
// headEvidence) that raise a tone score by at least markMin, with the same weights the table
// shows, and the policy's banned and suspect words. Overlapping marks merge into one.
func highlight(text string, expl map[string][]moderation.Contribution, p moderation.Policy) []segment {
	var spans []*span
	for _, head := range moderation.ToneAttributes {
		listed := map[string]tokenWeight{}
		for _, tw := range headEvidence(expl[head]) {
			listed[tw.Feature] = tw
		}
		for _, ct := range expl[head] {
			tw, ok := listed[ct.Feature]
			if !ok || tw.Weight < markMin || !validSpan(text, ct.Start, ct.End) {
				continue
			}
			spans = append(spans, &span{start: ct.Start, end: ct.End, class: "up",
				parts: []string{fmt.Sprintf("%s: %s %+.2f", label(head), tw.Label, tw.Weight)}})
		}
	}
	for _, l := range []struct {
		words []string
		class string
		what  string
	}{{p.BannedWords, "banned", "banned word"}, {p.SuspectWords, "suspect", "suspect word"}} {
		for _, w := range l.words {
			for _, r := range findWord(text, w) {
				spans = append(spans, &span{start: r[0], end: r[1], class: l.class, parts: []string{l.what + " (site policy)"}})
			}
		}
	}
	return segments(text, mergeSpans(spans))
}

// mergeSpans sorts spans and joins overlapping ones; a policy word's class wins over "up".
func mergeSpans(spans []*span) []*span {
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var out []*span
	for _, sp := range spans {
		if n := len(out); n > 0 && sp.start < out[n-1].end {
			last := out[n-1]
			last.end = max(last.end, sp.end)
			for _, part := range sp.parts {
				if !contains(last.parts, part) {
					last.parts = append(last.parts, part)
				}
			}
			if sp.class != "up" {
				last.class = sp.class
			}
			continue
		}
		out = append(out, &span{start: sp.start, end: sp.end, class: sp.class, parts: append([]string(nil), sp.parts...)})
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// segments cuts text at the merged spans.
func segments(text string, spans []*span) []segment {
	var out []segment
	pos := 0
	for _, sp := range spans {
		if sp.start > pos {
			out = append(out, segment{Text: text[pos:sp.start]})
		}
		out = append(out, segment{Text: text[sp.start:sp.end], Mark: true, Class: sp.class,
			Title: strings.Join(sp.parts, "; ")})
		pos = sp.end
	}
	if pos < len(text) {
		out = append(out, segment{Text: text[pos:]})
	}
	return out
}

// findWord finds whole-word, case-insensitive occurrences of a policy word or phrase. It is
// for display only: the policy itself also matches look-alike letters, which this does not,
// so a banned word written with them is named in the reasons but may go unmarked.
func findWord(text, word string) [][2]int {
	word = strings.TrimSpace(word)
	if word == "" {
		return nil
	}
	lower := strings.ToLower(text)
	w := strings.ToLower(word)
	if len(lower) != len(text) {
		return nil // case folding changed byte offsets; marking would be misplaced
	}
	var out [][2]int
	for from := 0; from < len(lower); {
		i := strings.Index(lower[from:], w)
		if i < 0 {
			break
		}
		s, e := from+i, from+i+len(w)
		if wordEdge(lower, s, true) && wordEdge(lower, e, false) {
			out = append(out, [2]int{s, e})
		}
		from = e
	}
	return out
}

// wordEdge reports whether position i of s is a word boundary (before a match if start).
func wordEdge(s string, i int, start bool) bool {
	var r rune
	if start {
		if i == 0 {
			return true
		}
		r, _ = utf8.DecodeLastRuneInString(s[:i])
	} else {
		if i == len(s) {
			return true
		}
		r, _ = utf8.DecodeRuneInString(s[i:])
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// label writes a head or reason name with spaces.
func label(s string) string { return strings.ReplaceAll(s, "_", " ") }
