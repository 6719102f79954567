package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// IdempotencyHeader names the request header that makes POST /api/v1/comments safe to retry;
// ReplayedHeader is set to "true" on the answer to such a retry.
const (
	IdempotencyHeader = "Idempotency-Key"
	ReplayedHeader    = "Idempotent-Replayed"
)

// commentRequest is the body of POST /api/v1/comments.
type commentRequest struct {
	ArticleID  string     `json:"article_id"`
	Author     authorJSON `json:"author"`
	Text       string     `json:"text"`
	ParentID   int64      `json:"parent_id"`
	ExternalID string     `json:"external_id"`
	URL        string     `json:"url"`
}

type authorJSON struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// commentResponse is a comment as the API shows it. Status is the effective verdict (the human
// decision when there is one, else the machine's). Explanation is left out of lists.
type commentResponse struct {
	ID             int64            `json:"id"`
	ArticleID      string           `json:"article_id"`
	Author         authorJSON       `json:"author"`
	Text           string           `json:"text"`
	ParentID       int64            `json:"parent_id,omitempty"`
	ExternalID     string           `json:"external_id,omitempty"`
	URL            string           `json:"url,omitempty"`
	CreatedAt      time.Time        `json:"created_at"`
	Status         string           `json:"status"`
	MachineVerdict string           `json:"machine_verdict"`
	Reasons        []reasonJSON     `json:"reasons"`
	ModelVersion   string           `json:"model_version"`
	Language       string           `json:"language"` // detected ISO 639 code, "" when undetermined
	Scores         scoresJSON       `json:"scores"`
	Explanation    explanationJSON  `json:"explanation,omitempty"`
	Priority       float64          `json:"priority,omitempty"`
	Decision       *decisionJSON    `json:"decision,omitempty"`
	Claim          *claimJSON       `json:"claim,omitempty"`
	Article        *articleResponse `json:"article,omitempty"`
	Reports        []reportResponse `json:"reports,omitempty"` // open reader reports, in the reported queue
}

func commentJSON(c moderation.Comment, withExplanation bool) commentResponse {
	r := commentResponse{
		ID: c.ID, ArticleID: c.ArticleID, Author: authorJSON{ID: c.Author.ID, Name: c.Author.Name},
		Text: c.Text, ParentID: c.ParentID, ExternalID: c.ExternalID, URL: c.URL, CreatedAt: c.CreatedAt,
		Status: string(c.Status()), MachineVerdict: string(c.MachineVerdict), Reasons: reasonsJSON(c.Reasons),
		ModelVersion: c.Assessment.ModelVersion, Language: c.Assessment.Language,
		Scores: scoresToJSON(c.Assessment.Scores),
	}
	if withExplanation {
		r.Explanation = explanationToJSON(c.Assessment.Explanation)
	}
	if c.Decision != nil {
		d := decisionToJSON(*c.Decision)
		r.Decision = &d
	}
	if c.Claim != nil {
		r.Claim = &claimJSON{ModeratorID: c.Claim.ModeratorID, ModeratorName: c.Claim.ModeratorName, Until: c.Claim.Until}
	}
	return r
}

// commentListResponse is one page of comments; NextCursor is absent on the last page.
type commentListResponse struct {
	Comments   []commentResponse `json:"comments"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

// postComment scores and stores a comment; a retry with the same Idempotency-Key or
// external_id answers 200 with the stored comment instead of storing it twice.
func (s *Handler) postComment(c *gin.Context) {
	var req commentRequest
	if err := httpx.BindJSON(c, &req); err != nil {
		s.Fail(c, err)
		return
	}
	cm, created, err := s.Svc.SubmitToSite(c.Request.Context(), currentSite(c), apiKeyScope(c), moderation.Submission{
		ArticleID: req.ArticleID, Author: moderation.Author{ID: req.Author.ID, Name: req.Author.Name},
		Text: req.Text, ParentID: req.ParentID, ExternalID: req.ExternalID, URL: req.URL,
		IdempotencyKey: c.GetHeader(IdempotencyHeader),
	})
	if err != nil {
		s.Fail(c, err)
		return
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
		c.Header(ReplayedHeader, "true")
	}
	c.Header("Location", "/api/v1/comments/"+strconv.FormatInt(cm.ID, 10))
	c.JSON(status, commentJSON(cm, true))
}

// getComment returns one comment with its explanation.
func (s *Handler) getComment(c *gin.Context) {
	id, err := pathID(c, "comment")
	if err != nil {
		s.Fail(c, err)
		return
	}
	cm, err := s.Svc.SiteComment(c.Request.Context(), currentSite(c), id)
	if err != nil {
		s.Fail(c, notFound(err, "comment %d not found", id))
		return
	}
	c.JSON(http.StatusOK, commentJSON(cm, true))
}

// listComments pages through an article's comments, oldest first, filtered by status and stance.
func (s *Handler) listComments(c *gin.Context) {
	f, err := commentFilter(c)
	if err != nil {
		s.Fail(c, err)
		return
	}
	page, err := s.Svc.SiteComments(c.Request.Context(), currentSite(c), f)
	if err != nil {
		s.Fail(c, notFound(err, "article %q not found", f.ArticleID))
		return
	}
	resp := commentListResponse{Comments: make([]commentResponse, 0, len(page.Comments))}
	for _, cm := range page.Comments {
		resp.Comments = append(resp.Comments, commentJSON(cm, false))
	}
	if page.Next != 0 {
		resp.NextCursor = strconv.FormatInt(page.Next, 10)
	}
	c.JSON(http.StatusOK, resp)
}

// commentFilter reads listComments' path and query parameters. The cursor is opaque to clients:
// they pass back next_cursor as it came.
func commentFilter(c *gin.Context) (moderation.CommentFilter, error) {
	f := moderation.CommentFilter{ArticleID: c.Param("id"),
		Status: moderation.Verdict(c.Query("status")), Stance: moderation.Stance(c.Query("stance"))}
	after, err := queryInt(c, "cursor")
	if err != nil {
		return f, err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return f, err
	}
	f.After, f.Limit = after, int(limit)
	return f, nil
}
