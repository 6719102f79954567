package web

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// coralStatuses are the pseudo-attributes Coral Talk suggests instead of scores: it sends
// {"APPROVED": {"summaryScore": {"value": 1}}} when a moderator approves a comment and
// {"DELETED": …} when one rejects it. They carry the moderator's verdict, not a tone score.
var coralStatuses = map[string]moderation.Verdict{
	"APPROVED": moderation.Approve,
	"DELETED":  moderation.Reject,
}

// perspectiveSuggest records a client's suggested scores for a text as moderator feedback,
// a labeled example for retraining (tribune feedback export), and echoes the client token.
func (s *Server) perspectiveSuggest(c *gin.Context) {
	if err := s.perspectiveKey(c); err != nil {
		s.perspectiveFail(c, err)
		return
	}
	if s.opts.Feedback == nil {
		s.perspectiveFail(c, perspectiveErr(http.StatusNotImplemented, "UNIMPLEMENTED",
			"this Tribune server does not record suggested scores"))
		return
	}
	var req suggestRequest
	if err := decodePerspective(c, &req); err != nil {
		s.perspectiveFail(c, err)
		return
	}
	f, err := feedbackFromSuggestion(req)
	if err != nil {
		s.perspectiveFail(c, err)
		return
	}
	k, _ := c.Get(apiKeyKey)
	key, _ := k.(moderation.APIKey)
	f.APIKeyID = key.ID
	if _, err := s.opts.Feedback.Record(c.Request.Context(), f); err != nil {
		s.perspectiveFail(c, err)
		return
	}
	c.JSON(http.StatusOK, suggestResponse{ClientToken: req.ClientToken, RequestedLanguages: req.Languages})
}

// feedbackFromSuggestion translates Perspective's names into the domain's: attributes to tone
// heads, Coral's statuses to a verdict. Value ranges and sizes are the domain's checks.
func feedbackFromSuggestion(req suggestRequest) (moderation.Feedback, error) {
	if err := checkPerspectiveComment(req.Comment); err != nil {
		return moderation.Feedback{}, err
	}
	if len(req.AttributeScores) == 0 {
		return moderation.Feedback{}, invalidArgument(
			`attributeScores must suggest at least one score, e.g. {"TOXICITY": {"summaryScore": {"value": 1}}}`)
	}
	if bad := unsupportedLanguages(req.Languages); len(bad) > 0 {
		return moderation.Feedback{}, invalidArgument(fmt.Sprintf(
			"Tribune learns from English comments only; request languages not supported: %s", strings.Join(bad, ",")))
	}
	f := moderation.Feedback{Text: req.Comment.Text, Context: req.Context.text(), Scores: map[string]float64{},
		CommunityID: req.CommunityID, ClientToken: req.ClientToken}
	names := make([]string, 0, len(req.AttributeScores))
	for name := range req.AttributeScores {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		sc := req.AttributeScores[name]
		if sc.SummaryScore == nil || sc.SummaryScore.Value == nil {
			return moderation.Feedback{}, invalidArgument(fmt.Sprintf("attributeScores.%s.summaryScore.value is required", name))
		}
		v := *sc.SummaryScore.Value
		if math.IsNaN(v) || v < 0 || v > 1 {
			return moderation.Feedback{}, invalidArgument(fmt.Sprintf(
				"attributeScores.%s.summaryScore.value must be between 0 and 1, not %v", name, v))
		}
		if verdict, ok := coralStatuses[strings.ToUpper(name)]; ok {
			if v < moderation.FeedbackPositive {
				continue // "not approved" says nothing either way
			}
			if f.Verdict != "" && f.Verdict != verdict {
				return moderation.Feedback{}, invalidArgument("attributeScores cannot suggest both APPROVED and DELETED")
			}
			f.Verdict = verdict
			continue
		}
		head, err := perspectiveHead(name)
		if err != nil {
			return moderation.Feedback{}, err
		}
		f.Scores[head] = v
	}
	return f, nil
}
