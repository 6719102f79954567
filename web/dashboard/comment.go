package dashboard

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// commentPageView is one comment with its full history.
type commentPageView struct {
	page
	commentView
	Article        moderation.Article
	Thread         moderation.Thread
	Scores         []scoreHistoryRow
	History        []moderation.AuditEntry
	ClaimedByMe    bool
	ApproveReasons []moderation.ReasonCode
	RejectReasons  []moderation.ReasonCode
	// Undo is the comment whose decision the page offers to take back (0: none).
	Undo int64
}

// scoreHistoryRow is one model version's assessment, tone heads in display order.
type scoreHistoryRow struct {
	Record moderation.ScoreRecord
	Tones  []toneScore
	Stance moderation.Stance
}

type toneScore struct {
	Name  string
	Score float64
}

// commentPage shows a comment, its current assessment, every model version's scores and the
// audit log: machine verdicts, claims, decisions and overrides.
func (d *Handler) commentPage(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		d.fail(c, moderation.ErrNotFound)
		return
	}
	cm, err := d.Svc.CommentFor(ctx, httpx.CurrentModerator(c), id)
	if err != nil {
		d.fail(c, err)
		return
	}
	history, err := d.Svc.History(ctx, id)
	if err != nil {
		d.fail(c, err)
		return
	}
	records, err := d.Svc.ScoreHistory(ctx, id)
	if err != nil {
		d.fail(c, err)
		return
	}
	stats, err := d.Svc.Article(ctx, cm.ArticleID)
	if err != nil {
		d.fail(c, err)
		return
	}
	thread, err := d.Svc.Thread(ctx, cm)
	if err != nil {
		d.fail(c, err)
		return
	}
	me := httpx.CurrentModerator(c)
	v := commentPageView{page: d.base(c, "Comment #"+strconv.FormatInt(id, 10), "queue"),
		commentView: viewComment(cm, d.Svc.Policy()), Article: stats.Article, Thread: thread, History: history,
		ClaimedByMe:    cm.Claim != nil && cm.Claim.ModeratorID == me.ID,
		ApproveReasons: moderation.ApproveReasons, RejectReasons: moderation.RejectReasons}
	v.Flash = decisionFlash(c.Query("done"), c.Query("n"), "")
	if u := undoable(c.Query("done"), c.Query("undo")); u == id {
		v.Undo = u
	}
	for _, r := range records {
		row := scoreHistoryRow{Record: r}
		row.Stance, _ = r.Scores.StanceLabel()
		for _, head := range moderation.ToneAttributes {
			if p, ok := r.Scores.Tone[head]; ok {
				row.Tones = append(row.Tones, toneScore{Name: head, Score: p})
			}
		}
		v.Scores = append(v.Scores, row)
	}
	d.render(c, http.StatusOK, "comment", v)
}
