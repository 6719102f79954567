package web

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tribune/tribune/moderation"
)

// segment is a run of comment text, either plain or a token that pushed a tone score. The
// template writes Text through html/template's escaper: comment text is never template.HTML.
type segment struct {
	Text  string
	Mark  bool
	Title string // the heads and weights the token carried, shown on hover
	Class string // "up" when it raised a score, "down" when it lowered one
}

// toneRow is one tone head's score beside the policy's thresholds.
type toneRow struct {
	Name   string
	Score  float64
	Hold   float64
	Reject float64
	Level  string // "ok", "hold" or "reject": which threshold it reached
	Tokens []tokenWeight
}

// tokenWeight is one token's contribution to a head.
type tokenWeight struct {
	Feature string
	Weight  float64
}

// stanceRow is one stance's probability.
type stanceRow struct {
	Stance moderation.Stance
	P      float64
	Top    bool
}

// commentView is a comment with everything the queue and comment pages show about it.
type commentView struct {
	C        moderation.Comment
	Segments []segment
	Tones    []toneRow
	Stances  []stanceRow
	Stance   moderation.Stance
	Status   moderation.Verdict
}

// span is one highlighted byte range with its description.
type span struct {
	start, end int
	parts      []string
	sum        float64
}

// highlight splits text into plain and marked segments from the tone explanations' byte
// offsets. Offsets come from the classifier and are checked, not trusted: a span out of range,
// not on UTF-8 boundaries, or overlapping an earlier one is left unmarked.
func highlight(text string, expl map[string][]moderation.Contribution) []segment {
	byRange := map[[2]int]*span{}
	for _, head := range moderation.ToneAttributes {
		for _, ct := range expl[head] {
			if ct.Start < 0 || ct.End > len(text) || ct.Start >= ct.End ||
				!utf8.RuneStart(text[ct.Start]) || (ct.End < len(text) && !utf8.RuneStart(text[ct.End])) {
				continue
			}
			k := [2]int{ct.Start, ct.End}
			sp := byRange[k]
			if sp == nil {
				sp = &span{start: ct.Start, end: ct.End}
				byRange[k] = sp
			}
			sp.parts = append(sp.parts, fmt.Sprintf("%s %+.2f", head, ct.Weight))
			sp.sum += ct.Weight
		}
	}
	spans := make([]*span, 0, len(byRange))
	for _, sp := range byRange {
		spans = append(spans, sp)
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	var out []segment
	pos := 0
	for _, sp := range spans {
		if sp.start < pos {
			continue // overlaps the previous span
		}
		if sp.start > pos {
			out = append(out, segment{Text: text[pos:sp.start]})
		}
		class := "up"
		if sp.sum < 0 {
			class = "down"
		}
		out = append(out, segment{Text: text[sp.start:sp.end], Mark: true, Class: class,
			Title: "weight: " + strings.Join(sp.parts, ", ")})
		pos = sp.end
	}
	if pos < len(text) {
		out = append(out, segment{Text: text[pos:]})
	}
	return out
}

// toneRows lists the tone heads in display order with scores, thresholds and top tokens.
func toneRows(c moderation.Comment, p moderation.Policy) []toneRow {
	var rows []toneRow
	for _, head := range moderation.ToneAttributes {
		score, ok := c.Assessment.Scores.Tone[head]
		if !ok {
			continue
		}
		r := toneRow{Name: head, Score: score, Hold: p.Hold[head], Reject: p.Reject[head], Level: "ok"}
		switch {
		case r.Reject > 0 && score >= r.Reject:
			r.Level = "reject"
		case r.Hold > 0 && score >= r.Hold:
			r.Level = "hold"
		}
		cs := append([]moderation.Contribution(nil), c.Assessment.Explanation[head]...)
		sort.SliceStable(cs, func(i, j int) bool { return abs(cs[i].Weight) > abs(cs[j].Weight) })
		for i, ct := range cs {
			if i == 5 {
				break
			}
			r.Tokens = append(r.Tokens, tokenWeight{Feature: ct.Feature, Weight: ct.Weight})
		}
		rows = append(rows, r)
	}
	return rows
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// viewComment builds the shared comment view.
func viewComment(c moderation.Comment, p moderation.Policy) commentView {
	v := commentView{C: c, Segments: highlight(c.Text, c.Assessment.Explanation),
		Tones: toneRows(c, p), Stance: c.Stance(), Status: c.Status()}
	for _, st := range moderation.Stances {
		if prob, ok := c.Assessment.Scores.Stance[st]; ok {
			v.Stances = append(v.Stances, stanceRow{Stance: st, P: prob, Top: st == v.Stance})
		}
	}
	return v
}
