package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// queueResponse lists review items, highest priority first.
type queueResponse struct {
	Items []commentResponse `json:"items"`
}

func queueJSON(items []moderation.ReviewItem) queueResponse {
	out := queueResponse{Items: make([]commentResponse, 0, len(items))}
	for _, it := range items {
		r := commentJSON(it.Comment, true)
		r.Priority = it.Comment.Priority
		a := articleJSON(it.Article)
		a.Body = "" // the queue shows the article's title and link; the body is a GET away
		r.Article = &a
		out.Items = append(out.Items, r)
	}
	return out
}

// claimRequest is the body of POST /api/v1/queue/claim.
type claimRequest struct {
	Count int `json:"count"`
}

// decisionRequest is the body of POST /api/v1/comments/{id}/decision.
type decisionRequest struct {
	Verdict  string `json:"verdict"`
	Reason   string `json:"reason"`
	Note     string `json:"note"`
	Override bool   `json:"override"`
}

// queue lists held comments awaiting a human, optionally of one article.
func (s *Handler) queue(c *gin.Context) {
	limit, err := queryInt(c, "limit")
	if err != nil {
		s.Fail(c, err)
		return
	}
	items, err := s.Svc.Queue(c.Request.Context(), moderation.QueueFilter{ArticleID: c.Query("article_id"), Limit: int(limit),
		Sites: httpx.CurrentModerator(c).Sites})
	if err != nil {
		s.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, queueJSON(items))
}

// claim leases the next queue items to the calling moderator; an empty body claims the default
// number.
func (s *Handler) claim(c *gin.Context) {
	var req claimRequest
	if err := httpx.BindOptionalJSON(c, &req); err != nil {
		s.Fail(c, err)
		return
	}
	items, err := s.Svc.Claim(c.Request.Context(), httpx.CurrentModerator(c), req.Count)
	if err != nil {
		s.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, queueJSON(items))
}

// release gives a claimed comment back to the queue.
func (s *Handler) release(c *gin.Context) {
	id, err := pathID(c, "claim on comment")
	if err != nil {
		s.Fail(c, err)
		return
	}
	if err := s.Svc.Release(c.Request.Context(), httpx.CurrentModerator(c), id); err != nil {
		s.Fail(c, notFound(err, "you hold no claim on comment %d", id))
		return
	}
	c.Status(http.StatusNoContent)
}

// decide records the calling moderator's decision on a comment.
func (s *Handler) decide(c *gin.Context) {
	id, err := pathID(c, "comment")
	if err != nil {
		s.Fail(c, err)
		return
	}
	var req decisionRequest
	if err := httpx.BindJSON(c, &req); err != nil {
		s.Fail(c, err)
		return
	}
	d, err := s.Svc.Decide(c.Request.Context(), httpx.CurrentModerator(c), moderation.DecisionInput{CommentID: id,
		Verdict: moderation.Verdict(req.Verdict), Reason: moderation.ReasonCode(req.Reason), Note: req.Note, Override: req.Override})
	if err != nil {
		s.Fail(c, notFound(err, "comment %d not found", id))
		return
	}
	c.JSON(http.StatusCreated, decisionToJSON(d))
}
