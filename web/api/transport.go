package api

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// reasonJSON is one written-out cause of a verdict.
type reasonJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func reasonsJSON(rs []moderation.Reason) []reasonJSON {
	out := make([]reasonJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, reasonJSON{Code: r.Code, Message: r.Message})
	}
	return out
}

// scoresJSON holds calibrated probabilities: tone attribute → P, stance → P, and the most
// probable stance.
type scoresJSON struct {
	Tone        map[string]float64 `json:"tone"`
	Stance      map[string]float64 `json:"stance,omitempty"`
	StanceLabel string             `json:"stance_label,omitempty"`
}

func scoresToJSON(s moderation.Scores) scoresJSON {
	out := scoresJSON{Tone: s.Tone}
	if out.Tone == nil {
		out.Tone = map[string]float64{}
	}
	if len(s.Stance) > 0 {
		out.Stance = make(map[string]float64, len(s.Stance))
		for st, p := range s.Stance {
			out.Stance[string(st)] = p
		}
		label, _ := s.StanceLabel()
		out.StanceLabel = string(label)
	}
	return out
}

// explanationJSON maps a head (toxicity, insult, …, stance) to its strongest contributions.
type explanationJSON map[string][]contributionJSON

// contributionJSON is one feature's push on a head's log-odds towards Class. Start and End
// are byte offsets of the feature in the comment text; they are absent for features with no
// place in the text (overlap with the article, bias).
type contributionJSON struct {
	Feature string  `json:"feature"`
	Class   string  `json:"class,omitempty"`
	Weight  float64 `json:"weight"`
	Start   *int    `json:"start,omitempty"`
	End     *int    `json:"end,omitempty"`
}

func explanationToJSON(e map[string][]moderation.Contribution) explanationJSON {
	if len(e) == 0 {
		return nil
	}
	out := make(explanationJSON, len(e))
	for head, cs := range e {
		list := make([]contributionJSON, 0, len(cs))
		for _, c := range cs {
			cj := contributionJSON{Feature: c.Feature, Class: c.Class, Weight: c.Weight}
			if c.Start >= 0 && c.End >= c.Start {
				start, end := c.Start, c.End
				cj.Start, cj.End = &start, &end
			}
			list = append(list, cj)
		}
		out[head] = list
	}
	return out
}

// decisionJSON is a recorded human decision.
type decisionJSON struct {
	ID        int64             `json:"id"`
	CommentID int64             `json:"comment_id"`
	Moderator moderatorResponse `json:"moderator"`
	Verdict   string            `json:"verdict"`
	Reason    string            `json:"reason"`
	Note      string            `json:"note,omitempty"`
	Override  bool              `json:"override"`
	CreatedAt time.Time         `json:"created_at"`
}

func decisionToJSON(d moderation.Decision) decisionJSON {
	return decisionJSON{ID: d.ID, CommentID: d.CommentID,
		Moderator: moderatorResponse{ID: d.ModeratorID, Name: d.ModeratorName},
		Verdict:   string(d.Verdict), Reason: string(d.Reason), Note: d.Note, Override: d.Override, CreatedAt: d.CreatedAt}
}

// claimJSON is a moderator's lease on a held comment.
type claimJSON struct {
	ModeratorID   int64     `json:"moderator_id"`
	ModeratorName string    `json:"moderator_name"`
	Until         time.Time `json:"until"`
}

// pathID parses the :id path parameter of a numbered resource. An ID that is not a positive
// integer names nothing, so it is a 404 like any other unknown ID.
func pathID(c *gin.Context, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &httpx.RequestError{Kind: moderation.ErrNotFound, Message: fmt.Sprintf("%s %q not found", what, c.Param("id"))}
	}
	return id, nil
}

// queryInt parses an optional integer query parameter (0 when absent).
func queryInt(c *gin.Context, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, &moderation.InputError{Field: name, Reason: "must be an integer"}
	}
	return n, nil
}

// notFound gives a not-found error a message naming what was missing; other errors pass.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, moderation.ErrNotFound) {
		return &httpx.RequestError{Kind: moderation.ErrNotFound, Message: fmt.Sprintf(format, args...)}
	}
	return err
}
