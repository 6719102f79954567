package dashboard

import (
	"net/url"

	"github.com/tribune/tribune/moderation"
)

// segment is a run of comment text, either plain or a token that pushed a tone score. The
// template writes Text through html/template's escaper: comment text is never template.HTML.
type segment struct {
	Text  string
	Mark  bool
	Title string // the heads and weights the token carried, shown on hover
	Class string // "up" when it raised a score; "banned" or "suspect" for a policy word
}

// toneRow is one tone head's score beside the policy's thresholds.
type toneRow struct {
	Name   string
	Score  float64
	Hold   float64
	Reject float64
	Level  string // "ok", "hold" or "reject": what the policy does with this score alone
	Tokens []tokenWeight
	// Sentence is, for a score at or over its hold threshold, the sentence that carries most
	// of its weight ("" for a one-sentence comment).
	Sentence string
}

// tokenWeight is one feature's contribution to a head: Label is its readable name, Weight the
// weight of one occurrence and Count how often it occurs.
type tokenWeight struct {
	Feature string
	Label   string
	Weight  float64
	Count   int
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
	// TopTone is the highest tone score, shown on the compact card; nil without scores.
	TopTone *toneRow
	// AuthorURL is the author's page.
	AuthorURL string
}

// toneRows lists the tone heads in display order with scores, thresholds and top tokens.
func toneRows(c moderation.Comment, p moderation.Policy) []toneRow {
	var rows []toneRow
	for _, head := range moderation.ToneAttributes {
		score, ok := c.Assessment.Scores.Tone[head]
		if !ok {
			continue
		}
		v, _ := p.ToneVerdict(head, score)
		r := toneRow{Name: head, Score: score, Hold: p.Hold[head], Reject: p.Reject[head], Level: toneLevel[v]}
		r.Tokens = headEvidence(c.Assessment.Explanation[head])
		if v != moderation.Approve {
			r.Sentence = decidingSentence(c.Text, c.Assessment.Explanation[head])
		}
		rows = append(rows, r)
	}
	return rows
}

// toneLevel names a tone row's verdict for the templates' level-* classes.
var toneLevel = map[moderation.Verdict]string{moderation.Approve: "ok", moderation.Hold: "hold", moderation.Reject: "reject"}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// viewComment builds the shared comment view.
func viewComment(c moderation.Comment, p moderation.Policy) commentView {
	v := commentView{C: c, Segments: highlight(c.Text, c.Assessment.Explanation, p),
		Tones: toneRows(c, p), Stance: c.Stance(), Status: shownStatus(c), AuthorURL: authorURL(c)}
	for i := range v.Tones {
		if v.TopTone == nil || v.Tones[i].Score > v.TopTone.Score {
			v.TopTone = &v.Tones[i]
		}
	}
	for _, st := range moderation.Stances {
		if prob, ok := c.Assessment.Scores.Stance[st]; ok {
			v.Stances = append(v.Stances, stanceRow{Stance: st, P: prob, Top: st == v.Stance})
		}
	}
	return v
}

// authorURL is the page of a comment's author: the author's key on the comment's site.
func authorURL(c moderation.Comment) string {
	return "/authors/" + url.PathEscape(moderation.AuthorKey(moderation.SiteOf(c.ArticleID), c.Author.ID))
}

// shownStatus is the status a comment is shown with: its effective verdict, or "closed" for a
// comment refused only because its article was closed (moderation.Comment.RefusedAsClosed).
func shownStatus(c moderation.Comment) moderation.Verdict {
	if c.RefusedAsClosed() {
		return "closed"
	}
	return c.Status()
}
