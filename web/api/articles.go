package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// articleRequest is the body of PUT /api/v1/articles/{id}.
type articleRequest struct {
	Title        string `json:"title"`
	URL          string `json:"url"`
	Body         string `json:"body"`
	StanceTarget string `json:"stance_target"`
	Mode         string `json:"mode"`
}

// articleResponse is an article as the API shows it; Counts is set on GET.
type articleResponse struct {
	ID           string          `json:"id"`
	Title        string          `json:"title"`
	URL          string          `json:"url,omitempty"`
	Body         string          `json:"body,omitempty"`
	StanceTarget string          `json:"stance_target,omitempty"`
	Mode         string          `json:"mode"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
	Counts       *countsResponse `json:"counts,omitempty"`
}

// countsResponse counts an article's comments by effective status and by top stance.
type countsResponse struct {
	Total     int            `json:"total"`
	Status    map[string]int `json:"status"`
	Stance    map[string]int `json:"stance"`
	Undecided int            `json:"undecided"`
}

func articleJSON(a moderation.Article) articleResponse {
	return articleResponse{ID: a.ID, Title: a.Title, URL: a.URL, Body: a.Body, StanceTarget: a.StanceTarget,
		Mode: string(a.Mode), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

func articleStatsJSON(st moderation.ArticleStats) articleResponse {
	r := articleJSON(st.Article)
	counts := countsResponse{Total: st.Total, Undecided: st.Undecided,
		Status: map[string]int{}, Stance: map[string]int{}}
	// Every key is present, zero or not, so clients need no existence checks.
	for _, v := range []moderation.Verdict{moderation.Approve, moderation.Hold, moderation.Reject} {
		counts.Status[string(v)] = st.ByStatus[v]
	}
	for _, stance := range moderation.Stances {
		counts.Stance[string(stance)] = st.ByStance[stance]
	}
	counts.Stance[string(moderation.Unclear)] = st.ByStance[moderation.Unclear]
	r.Counts = &counts
	return r
}

// putArticle creates or updates an article: 201 when created, 200 when updated.
func (s *Handler) putArticle(c *gin.Context) {
	var req articleRequest
	if err := httpx.BindJSON(c, &req); err != nil {
		s.Fail(c, err)
		return
	}
	a, created, err := s.Svc.PutSiteArticle(c.Request.Context(), currentSite(c), moderation.Article{
		ID: c.Param("id"), Title: req.Title, URL: req.URL, Body: req.Body,
		StanceTarget: req.StanceTarget, Mode: moderation.Mode(req.Mode),
	})
	if err != nil {
		s.Fail(c, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.JSON(status, articleJSON(a))
}

// getArticle returns an article with its comment counts.
func (s *Handler) getArticle(c *gin.Context) {
	st, err := s.Svc.SiteArticle(c.Request.Context(), currentSite(c), c.Param("id"))
	if err != nil {
		s.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, articleStatsJSON(st))
}
