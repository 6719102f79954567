package moderation

import (
	"sort"
	"time"
)

// Verdict is what happens to a comment: published, held for a moderator, or refused.
type Verdict string

// The verdicts.
const (
	Approve Verdict = "approve"
	Hold    Verdict = "hold"
	Reject  Verdict = "reject"
)

// Valid reports whether v is one of the three verdicts.
func (v Verdict) Valid() bool { return v == Approve || v == Hold || v == Reject }

// Stance is a comment's position towards its article. It never drives a verdict.
type Stance string

// The stances, in the order the stance head reports them.
const (
	Agree     Stance = "agree"
	Disagree  Stance = "disagree"
	Discuss   Stance = "discuss"
	Unrelated Stance = "unrelated"
)

// Stances lists every stance in display order.
var Stances = []Stance{Agree, Disagree, Discuss, Unrelated}

// Valid reports whether s is a known stance.
func (s Stance) Valid() bool {
	for _, x := range Stances {
		if s == x {
			return true
		}
	}
	return false
}

// ToneAttributes lists the tone heads the policy acts on, in display order.
var ToneAttributes = []string{"toxicity", "insult", "threat", "identity_attack", "profanity"}

// Author identifies the reader who wrote a comment, as the site knows them.
type Author struct {
	ID   string
	Name string
}

// Scores are the classifier's calibrated probabilities for one comment.
type Scores struct {
	// Tone maps a tone attribute (see ToneAttributes) to P(attribute).
	Tone map[string]float64
	// Stance maps each stance to its probability; the values sum to 1 when present.
	Stance map[Stance]float64
}

// TopStance returns the most probable stance, or "" when there are no stance scores. Ties go
// to the stance listed first in Stances, so the answer is deterministic.
func (s Scores) TopStance() (Stance, float64) {
	var best Stance
	bp := -1.0
	for _, st := range Stances {
		if p, ok := s.Stance[st]; ok && p > bp {
			best, bp = st, p
		}
	}
	if bp < 0 {
		return "", 0
	}
	return best, bp
}

// MaxTone returns the tone attribute with the highest probability (alphabetical on ties).
func (s Scores) MaxTone() (string, float64) {
	names := make([]string, 0, len(s.Tone))
	for n := range s.Tone {
		names = append(names, n)
	}
	sort.Strings(names)
	best, bp := "", 0.0
	for _, n := range names {
		if p := s.Tone[n]; p > bp || best == "" {
			best, bp = n, p
		}
	}
	return best, bp
}

// Contribution is one feature's push on one head's score: Weight is its contribution to the
// log-odds of Class; Start and End are byte offsets into the comment text, or -1 for features
// that have no place in the text (context overlap, bias).
type Contribution struct {
	Feature string
	Class   string
	Weight  float64
	Start   int
	End     int
}

// Assessment is what the classifier says about one text: scores, the model version that
// produced them, per-head explanations (head name → strongest contributions), and the
// detected language.
type Assessment struct {
	ModelVersion string
	Scores       Scores
	Explanation  map[string][]Contribution
	// Language is the text's detected language as an ISO 639 code ("en", "de"), or "" when
	// the text was too short or had too few letters to tell.
	Language string
	// Priors maps each tone attribute to the reference prior the model's scores are calibrated
	// to (the share of comments it expects to carry the attribute), when the model knows it.
	// Policy.Adjust moves scores from these to a site's own priors.
	Priors map[string]float64
}

// Reason is one written-out cause of a verdict, e.g. code "threshold.insult" with message
// "insult 0.93 ≥ hold threshold 0.80".
type Reason struct {
	Code    string
	Message string
}

// Comment is a reader's comment with everything Tribune knows about it.
type Comment struct {
	ID         int64
	ArticleID  string
	Author     Author
	Text       string
	ParentID   int64 // 0 when the comment is not a reply
	ExternalID string
	// URL is the comment's address on the site, "" when the site did not send one.
	URL       string
	CreatedAt time.Time

	// Assessment is the latest machine assessment (scores, model version, explanation).
	Assessment Assessment
	// MachineVerdict is the policy's verdict on Assessment, with its reasons.
	MachineVerdict Verdict
	Reasons        []Reason
	// Priority orders held comments in the queue: higher is reviewed first.
	Priority float64

	// Decision is the latest human decision, nil while no human has decided.
	Decision *Decision
	// Claim is the current review lease, nil when nobody holds the comment.
	Claim *Claim
}

// Status is the comment's effective verdict: the human decision when there is one, otherwise
// the machine's.
func (c Comment) Status() Verdict {
	if c.Decision != nil {
		return c.Decision.Verdict
	}
	return c.MachineVerdict
}

// Stance is the comment's decided stance: its most probable stance, or Unclear when the
// classifier is not confident of any (Scores.StanceLabel).
func (c Comment) Stance() Stance {
	s, _ := c.Assessment.Scores.StanceLabel()
	return s
}

// Submission is a comment as a site backend sends it.
type Submission struct {
	ArticleID  string
	Author     Author
	Text       string
	ParentID   int64
	ExternalID string
	// URL is the comment's address on the site (optional): the dashboard links to it.
	URL string
	// IdempotencyKey makes retries safe: a second submission with the same key (per API key
	// or site) returns the first comment instead of storing a new one.
	IdempotencyKey string
}

// CommentFilter selects comments of one article for listing.
type CommentFilter struct {
	ArticleID string
	Status    Verdict // "" for all
	Stance    Stance  // "" for all
	// After is the cursor: list comments with ID > After (0 from the start).
	After int64
	Limit int
}

// CommentPage is one page of comments and the cursor for the next (0 when there is none).
type CommentPage struct {
	Comments []Comment
	Next     int64
}
