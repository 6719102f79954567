package dashboard

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// queueTab is one tab above the queue.
type queueTab struct {
	Kind    moderation.QueueKind
	Label   string
	URL     string
	Count   int // -1: not counted (counting every undecided comment would scan the table)
	Current bool
}

// queueLabels names the queues for moderators.
var queueLabels = map[moderation.QueueKind]string{
	moderation.QueueHeld:     "Held",
	moderation.QueueReported: "Reported",
	moderation.QueuePending:  "Unmoderated",
	moderation.QueueApproved: "Approved by the machine",
	moderation.QueueRejected: "Rejected",
}

// listItem is a queue item with its open reports: what every queue's list shows.
type listItem struct {
	moderation.ReviewItem
	Reports []moderation.Report
}

// queueItems reads the page of the queue v asks for and sets v.More; it changes nothing (the
// script claims with POST /queue/claim). The held queue has no offset: it reads up to the end
// of the asked page (and one more item, to know whether another page follows) and keeps the
// page's last items.
func (d *Handler) queueItems(c *gin.Context, v *queueView) ([]listItem, error) {
	ctx, me := c.Request.Context(), httpx.CurrentModerator(c)
	from := (v.Page - 1) * queuePageSize
	if v.Queue != moderation.QueueHeld {
		listed, err := d.Svc.List(ctx, moderation.ListFilter{Kind: v.Queue, ArticleID: v.Article,
			Offset: from, Limit: queuePageSize + 1, Sites: me.Sites})
		if err != nil {
			return nil, err
		}
		v.More = len(listed) > queuePageSize
		out := make([]listItem, 0, len(listed))
		for _, it := range listed[:min(len(listed), queuePageSize)] {
			out = append(out, listItem{ReviewItem: it.ReviewItem, Reports: it.Reports})
		}
		return out, nil
	}
	filter := moderation.QueueFilter{Limit: min(v.Page*queuePageSize+1, moderation.MaxPageSize),
		Sites: me.Sites, ArticleID: v.Article}
	items, err := d.Svc.Queue(ctx, filter)
	if err != nil {
		return nil, err
	}
	from = min(from, len(items))
	to := min(from+queuePageSize, len(items))
	v.More = len(items) > to
	out := make([]listItem, 0, to-from)
	for _, it := range items[from:to] {
		out = append(out, listItem{ReviewItem: it})
	}
	return out, nil
}

// queueTabs lists the queues, with the held and reported counts. A count that fails is left
// out rather than failing the page.
func (d *Handler) queueTabs(c *gin.Context, cur moderation.QueueKind, article string) []queueTab {
	me := httpx.CurrentModerator(c)
	tabs := make([]queueTab, 0, len(moderation.QueueKinds))
	for _, k := range moderation.QueueKinds {
		t := queueTab{Kind: k, Label: queueLabels[k], URL: queueLink(k, article, 1), Count: -1, Current: k == cur}
		switch k {
		case moderation.QueueHeld:
			if n, err := d.Svc.QueueSize(c.Request.Context()); err == nil {
				t.Count = n
			}
		case moderation.QueueReported:
			if n, err := d.Svc.ReportedCount(c.Request.Context(), me.Sites); err == nil {
				t.Count = n
			}
		}
		tabs = append(tabs, t)
	}
	return tabs
}

// undoable is the comment a plain-form decision can still be taken back on, from the
// redirect's parameters (0: none).
func undoable(done, undo string) int64 {
	if done != string(moderation.Approve) && done != string(moderation.Reject) {
		return 0
	}
	id, err := strconv.ParseInt(undo, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// undoResponse answers an undo sent by the page's script.
type undoResponse struct {
	CommentID int64  `json:"comment_id"`
	Status    string `json:"status"`
	Message   string `json:"message"`
}

// undoSubmit takes back the moderator's latest decision on a comment within the undo window.
func (d *Handler) undoSubmit(c *gin.Context) {
	id, err := strconv.ParseInt(c.PostForm("comment_id"), 10, 64)
	if err != nil || id <= 0 {
		d.fail(c, errBadForm("comment_id", "must be a comment id"))
		return
	}
	cm, err := d.Svc.Undo(c.Request.Context(), httpx.CurrentModerator(c), id)
	if err != nil {
		d.fail(c, err)
		return
	}
	if wantsJSON(c) {
		c.JSON(http.StatusOK, undoResponse{CommentID: id, Status: string(cm.Status()),
			Message: decisionFlash("undo", strconv.FormatInt(id, 10), "")})
		return
	}
	c.Redirect(http.StatusSeeOther, withFlash(localPath(c.PostForm("next"), "/queue"), "undo", int(id)))
}

// articleModeSubmit changes an article's moderation mode.
func (d *Handler) articleModeSubmit(c *gin.Context) {
	id := c.Param("id")
	if err := d.Svc.SetArticleMode(c.Request.Context(), httpx.CurrentModerator(c), id,
		moderation.Mode(c.PostForm("mode"))); err != nil {
		d.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, withFlash("/articles/"+url.PathEscape(id), "mode", 1))
}

// withFlash adds the flash parameters to a local path.
func withFlash(path, done string, n int) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	q.Set("done", done)
	q.Set("n", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.String()
}
