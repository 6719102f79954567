package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// queueResponse lists review items: the held queue highest priority first, the others newest
// first.
type queueResponse struct {
	Queue string            `json:"queue"`
	Items []commentResponse `json:"items"`
}

// queueItemJSON is one review item with its article (without the body: the queue shows the
// title and link; the body is a GET away) and, in the reported queue, its open reports.
func queueItemJSON(it moderation.ReviewItem, reports []moderation.Report) commentResponse {
	r := commentJSON(it.Comment, true)
	r.Priority = it.Comment.Priority
	a := articleJSON(it.Article)
	a.Body = ""
	r.Article = &a
	for _, rep := range reports {
		r.Reports = append(r.Reports, reportResponse{ID: rep.ID, CommentID: rep.CommentID, Reason: string(rep.Reason),
			Note: rep.Note, ReporterID: rep.ReporterID, CreatedAt: rep.CreatedAt})
	}
	return r
}

// heldJSON lists held items (the queue, or what a claim leased).
func heldJSON(items []moderation.ReviewItem) queueResponse {
	out := queueResponse{Queue: string(moderation.QueueHeld), Items: make([]commentResponse, 0, len(items))}
	for _, it := range items {
		out.Items = append(out.Items, queueItemJSON(it, nil))
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

// queue lists one of the moderators' queues (the dashboard's tabs): held (the default:
// comments awaiting a human, riskiest first), reported, pending, approved or rejected, one
// page at a time (offset, for the queues beyond held), optionally of one article.
func (s *Handler) queue(c *gin.Context) {
	limit, err := queryInt(c, "limit")
	if err != nil {
		s.Fail(c, err)
		return
	}
	offset, err := queryInt(c, "offset")
	if err == nil && (offset < 0 || offset > 1<<30) {
		err = &moderation.InputError{Field: "offset", Reason: "must be between 0 and 1073741824"}
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	ctx, me := c.Request.Context(), httpx.CurrentModerator(c)
	kind := moderation.QueueKind(c.DefaultQuery("queue", string(moderation.QueueHeld)))
	out := queueResponse{Queue: string(kind), Items: []commentResponse{}}
	switch {
	case !kind.Valid():
		s.Fail(c, &moderation.InputError{Field: "queue", Reason: "must be one of held, reported, pending, approved, rejected"})
		return
	case kind == moderation.QueueHeld:
		if offset != 0 {
			s.Fail(c, &moderation.InputError{Field: "offset", Reason: "the held queue has no pages: claim, decide, then list again"})
			return
		}
		items, err := s.Svc.Queue(ctx, moderation.QueueFilter{ArticleID: c.Query("article_id"), Limit: int(limit), Sites: me.Sites})
		if err != nil {
			s.Fail(c, err)
			return
		}
		out = heldJSON(items)
	default:
		items, err := s.Svc.List(ctx, moderation.ListFilter{Kind: kind, ArticleID: c.Query("article_id"),
			Offset: int(offset), Limit: int(limit), Sites: me.Sites})
		if err != nil {
			s.Fail(c, err)
			return
		}
		for _, it := range items {
			out.Items = append(out.Items, queueItemJSON(it.ReviewItem, it.Reports))
		}
	}
	c.JSON(http.StatusOK, out)
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
	c.JSON(http.StatusOK, heldJSON(items))
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
