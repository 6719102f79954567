package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// reportRequest is a reader's report as the site backend sends it.
type reportRequest struct {
	Reason     string `json:"reason"`
	Note       string `json:"note"`
	ReporterID string `json:"reporter_id"`
}

// reportResponse is a stored report.
type reportResponse struct {
	ID         int64     `json:"id"`
	CommentID  int64     `json:"comment_id"`
	Reason     string    `json:"reason"`
	Note       string    `json:"note,omitempty"`
	ReporterID string    `json:"reporter_id"`
	CreatedAt  time.Time `json:"created_at"`
}

// postReport records a reader's report of one of the key's site's comments: 201 the first
// time, 200 with the stored report when the same reader reports the comment again.
func (s *Handler) postReport(c *gin.Context) {
	id, err := pathID(c, "comment")
	if err != nil {
		s.Fail(c, err)
		return
	}
	var req reportRequest
	if err := httpx.BindJSON(c, &req); err != nil {
		s.Fail(c, err)
		return
	}
	r, created, err := s.Svc.ReportComment(c.Request.Context(), currentSite(c), id, moderation.ReportInput{
		ReporterID: req.ReporterID, Reason: moderation.ReportReason(req.Reason), Note: req.Note})
	if err != nil {
		s.Fail(c, notFound(err, "comment %d not found", id))
		return
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
		c.Header(ReplayedHeader, "true")
	}
	c.Header("Location", "/api/v1/comments/"+strconv.FormatInt(id, 10))
	c.JSON(status, reportResponse{ID: r.ID, CommentID: r.CommentID, Reason: string(r.Reason), Note: r.Note,
		ReporterID: r.ReporterID, CreatedAt: r.CreatedAt})
}
