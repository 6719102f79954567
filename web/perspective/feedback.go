package perspective

import (
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
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
func (s *Handler) perspectiveSuggest(c *gin.Context) {
	if err := s.perspectiveKey(c); err != nil {
		s.fail(c, err)
		return
	}
	if s.feedback == nil {
		s.fail(c, perspectiveErr(http.StatusNotImplemented, "UNIMPLEMENTED",
			"this Tribune server does not record suggested scores"))
		return
	}
	var req suggestRequest
	if err := decodePerspective(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	f, err := feedbackFromSuggestion(req, s.Svc.Policy())
	if err != nil {
		s.fail(c, err)
		return
	}
	f.APIKeyID = httpx.CurrentKey(c).ID
	if _, err := s.feedback.Record(c.Request.Context(), f); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, suggestResponse{ClientToken: req.ClientToken, RequestedLanguages: req.Languages})
}

// firstSuggested names the attribute a language error is about: the first suggested one.
func firstSuggested(scores map[string]suggestedScore) string {
	names := slices.Sorted(maps.Keys(scores))
	if len(names) == 0 {
		return "TOXICITY"
	}
	return names[0]
}

// feedbackFromSuggestion translates Perspective's names into the domain's: attributes to tone
// heads, Coral's statuses to a verdict. Value ranges and sizes are the domain's checks.
func feedbackFromSuggestion(req suggestRequest, pol moderation.Policy) (moderation.Feedback, error) {
	if err := checkPerspectiveComment(req.Comment); err != nil {
		return moderation.Feedback{}, err
	}
	if len(req.AttributeScores) == 0 {
		return moderation.Feedback{}, invalidArgument(
			`attributeScores must suggest at least one score, e.g. {"TOXICITY": {"summaryScore": {"value": 1}}}`)
	}
	if bad := unsupportedLanguages(req.Languages, pol); len(bad) > 0 {
		return moderation.Feedback{}, languageError(firstSuggested(req.AttributeScores), bad)
	}
	f := moderation.Feedback{Text: req.Comment.Text, Context: req.Context.text(), Scores: map[string]float64{},
		CommunityID: req.CommunityID, ClientToken: req.ClientToken}
	names := make([]string, 0, len(req.AttributeScores))
	for name := range req.AttributeScores {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v, ok := req.AttributeScores[name].value()
		if !ok {
			return moderation.Feedback{}, invalidArgument(fmt.Sprintf("attributeScores.%s needs a summaryScore or spanScores", name))
		}
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
		if head == severeToxicity {
			return moderation.Feedback{}, invalidArgument("attributeScores.SEVERE_TOXICITY cannot be suggested: Tribune derives it " +
				"from its other heads; suggest TOXICITY, IDENTITY_ATTACK or THREAT instead")
		}
		f.Scores[head] = v
	}
	return f, nil
}
