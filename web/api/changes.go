package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// eventResponse is one event as the changes feed and webhooks show it.
type eventResponse struct {
	ID           int64     `json:"id"`
	Type         string    `json:"type"`
	CommentID    int64     `json:"comment_id"`
	ArticleID    string    `json:"article_id"`
	Status       string    `json:"status"`
	Verdict      string    `json:"verdict"`
	Reasons      []string  `json:"reasons"`
	Moderator    string    `json:"moderator,omitempty"`
	ModelVersion string    `json:"model_version,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// changesResponse is the body of GET /api/v1/changes and of every webhook request. A webhook
// body has no cursor: its events' ids are the idempotency ids.
type changesResponse struct {
	Events []eventResponse `json:"events"`
	Cursor string          `json:"cursor,omitempty"`
}

func eventJSON(ev moderation.Event) eventResponse {
	reasons := ev.Reasons
	if reasons == nil {
		reasons = []string{}
	}
	return eventResponse{ID: ev.ID, Type: string(ev.Kind), CommentID: ev.CommentID,
		ArticleID: ev.ArticleID, Status: string(ev.Status), Verdict: string(ev.Verdict), Reasons: reasons,
		Moderator: ev.Moderator, ModelVersion: ev.ModelVersion, CreatedAt: ev.CreatedAt}
}

func eventsJSON(evs []moderation.Event) []eventResponse {
	out := make([]eventResponse, len(evs))
	for i, ev := range evs {
		out[i] = eventJSON(ev)
	}
	return out
}

// EncodeWebhookBody writes a batch of events as a webhook request body, in the changes
// feed's format; it is moderation.Dispatcher's Encode.
func EncodeWebhookBody(evs []moderation.Event) ([]byte, error) {
	return json.Marshal(changesResponse{Events: eventsJSON(evs)})
}

// changes answers GET /api/v1/changes?cursor=C&limit=N: the verdicts and decisions after
// cursor C (0 or absent: from the first) on the key's own site's articles, oldest first, and
// the cursor to pass next time.
func (s *Handler) changes(c *gin.Context) {
	if s.feed == nil {
		s.Fail(c, httpx.ErrRouteNotFound)
		return
	}
	cursor, err := queryInt(c, "cursor")
	if err != nil {
		s.Fail(c, err)
		return
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		s.Fail(c, err)
		return
	}
	page, err := s.feed.SiteSince(c.Request.Context(), currentSite(c), cursor, int(limit))
	if err != nil {
		s.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, changesResponse{Events: eventsJSON(page.Events), Cursor: strconv.FormatInt(page.Cursor, 10)})
}
