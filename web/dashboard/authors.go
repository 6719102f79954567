package dashboard

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// authorView is the author page.
type authorView struct {
	page
	A        moderation.AuthorView
	Comments []commentView
	Statuses []moderation.AuthorStatus
	// URL is the page's own address (the forms post below it).
	URL string
	// UntilDefault pre-fills the suspension end: a day from now, in the form's format.
	UntilDefault string
}

// untilLayout is how a datetime-local field sends a time; the dashboard reads it as UTC.
const untilLayout = "2006-01-02T15:04"

// authorPage shows an author's standing, comments and the log of moderators' actions, with
// forms to change the standing and add a note.
func (d *Handler) authorPage(c *gin.Context) {
	key := c.Param("id")
	a, err := d.Svc.Author(c.Request.Context(), httpx.CurrentModerator(c), key)
	if err != nil {
		d.fail(c, err)
		return
	}
	title := a.Name
	if title == "" {
		title = a.ID
	}
	v := authorView{page: d.base(c, "Author "+title, "queue"), A: a, Statuses: moderation.AuthorStatuses,
		URL: "/authors/" + url.PathEscape(key), UntilDefault: time.Now().UTC().Add(24 * time.Hour).Format(untilLayout)}
	v.Flash = decisionFlash(c.Query("done"), c.Query("n"), "")
	policy := d.Svc.Policy()
	for _, cm := range a.Comments {
		v.Comments = append(v.Comments, viewComment(cm, policy))
	}
	d.render(c, http.StatusOK, "author", v)
}

// authorStatusSubmit changes an author's standing: status, and for a suspension its end.
func (d *Handler) authorStatusSubmit(c *gin.Context) {
	key := c.Param("id")
	st := moderation.AuthorStatus(c.PostForm("status"))
	var until time.Time
	if st == moderation.AuthorSuspended {
		t, err := time.Parse(untilLayout, c.PostForm("until"))
		if err != nil {
			d.fail(c, errBadForm("until", "must be a date and time (YYYY-MM-DDTHH:MM, UTC)"))
			return
		}
		until = t
	}
	err := d.Svc.SetAuthorStatus(c.Request.Context(), httpx.CurrentModerator(c), key, st, until, c.PostForm("note"))
	if err != nil {
		d.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, withFlash("/authors/"+url.PathEscape(key), "author", 1))
}

// authorNoteSubmit adds a moderator's note to an author's log.
func (d *Handler) authorNoteSubmit(c *gin.Context) {
	key := c.Param("id")
	if err := d.Svc.AddAuthorNote(c.Request.Context(), httpx.CurrentModerator(c), key, c.PostForm("note")); err != nil {
		d.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, withFlash("/authors/"+url.PathEscape(key), "note", 1))
}

// searchView is the search page.
type searchView struct {
	page
	Q        string
	Searched bool
	Comments []commentView
	Articles map[int64]moderation.Article // each comment's article, by comment id
	Authors  []moderation.AuthorHit
	Found    []moderation.Article
}

// searchPage finds comments, authors and articles; an empty query shows the form alone.
func (d *Handler) searchPage(c *gin.Context) {
	q := c.Query("q")
	v := searchView{page: d.base(c, "Search", "search"), Q: q, Articles: map[int64]moderation.Article{}}
	if q != "" {
		res, err := d.Svc.Search(c.Request.Context(), httpx.CurrentModerator(c), q, searchLimit)
		if err != nil {
			d.fail(c, err)
			return
		}
		v.Searched, v.Authors, v.Found = true, res.Authors, res.Articles
		policy := d.Svc.Policy()
		for _, it := range res.Comments {
			v.Comments = append(v.Comments, viewComment(it.Comment, policy))
			v.Articles[it.Comment.ID] = it.Article
		}
		v.Title = "Search: " + q
	}
	d.render(c, http.StatusOK, "search", v)
}

// searchLimit is how many results of each kind the search page lists.
const searchLimit = 25
