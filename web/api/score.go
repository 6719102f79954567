package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/web/internal/httpx"
)

// scoreRequest is the body of POST /api/v1/score.
type scoreRequest struct {
	Text    string `json:"text"`
	Context string `json:"context"`
}

// scoreResponse is what the model and the policy say about a text that is not stored: the
// verdict is the one an auto-moderated article would give.
type scoreResponse struct {
	Verdict      string          `json:"verdict"`
	Reasons      []reasonJSON    `json:"reasons"`
	ModelVersion string          `json:"model_version"`
	Language     string          `json:"language"` // detected ISO 639 code, "" when undetermined
	Scores       scoresJSON      `json:"scores"`
	Explanation  explanationJSON `json:"explanation,omitempty"`
}

// score assesses a text without storing anything.
func (s *Handler) score(c *gin.Context) {
	var req scoreRequest
	if err := httpx.BindJSON(c, &req); err != nil {
		s.Fail(c, err)
		return
	}
	a, verdict, reasons, err := s.Svc.Score(c.Request.Context(), req.Text, req.Context)
	if err != nil {
		s.Fail(c, err)
		return
	}
	resp := scoreResponse{Verdict: string(verdict), Reasons: reasonsJSON(reasons),
		ModelVersion: a.ModelVersion, Language: a.Language, Scores: scoresToJSON(a.Scores),
		Explanation: explanationToJSON(a.Explanation)}
	// Encoded by hand (jsonenc.go), not by c.JSON: this is the busiest endpoint.
	body, err := resp.appendJSON(make([]byte, 0, 4096))
	if err != nil {
		s.Fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}
