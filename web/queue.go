package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
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
func (s *Server) queue(c *gin.Context) {
	limit, err := queryInt(c, "limit")
	if err != nil {
		s.fail(c, err)
		return
	}
	items, err := s.svc.Queue(c.Request.Context(), moderation.QueueFilter{ArticleID: c.Query("article_id"), Limit: int(limit),
		Sites: currentModerator(c).Sites})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, queueJSON(items))
}

// claim leases the next queue items to the calling moderator; an empty body claims the default
// number.
func (s *Server) claim(c *gin.Context) {
	var req claimRequest
	if err := bindOptionalJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	items, err := s.svc.Claim(c.Request.Context(), currentModerator(c), req.Count)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, queueJSON(items))
}

// release gives a claimed comment back to the queue.
func (s *Server) release(c *gin.Context) {
	id, err := pathID(c, "claim on comment")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.svc.Release(c.Request.Context(), currentModerator(c), id); err != nil {
		s.fail(c, notFound(err, "you hold no claim on comment %d", id))
		return
	}
	c.Status(http.StatusNoContent)
}

// decide records the calling moderator's decision on a comment.
func (s *Server) decide(c *gin.Context) {
	id, err := pathID(c, "comment")
	if err != nil {
		s.fail(c, err)
		return
	}
	var req decisionRequest
	if err := bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.svc.Decide(c.Request.Context(), currentModerator(c), moderation.DecisionInput{CommentID: id,
		Verdict: moderation.Verdict(req.Verdict), Reason: moderation.ReasonCode(req.Reason), Note: req.Note, Override: req.Override})
	if err != nil {
		s.fail(c, notFound(err, "comment %d not found", id))
		return
	}
	c.JSON(http.StatusCreated, decisionToJSON(d))
}
