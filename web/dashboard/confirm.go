package dashboard

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// confirmView asks before a decision that is hard to take back: the form posts the same
// fields again with confirm=1.
type confirmView struct {
	page
	Message string
	Action  string
	Button  string
	Danger  bool
	Fields  []confirmField
	// Cancel is where "Cancel" leads.
	Cancel string
}

type confirmField struct{ Name, Value string }

// confirmed reports whether the request carries the confirmation; without it, it answers the
// confirmation page (title, message, the button's label) and the caller stops. Forms the
// page's script sends are confirmed in the page (the script asks first and adds confirm=1).
func (d *Handler) confirmed(c *gin.Context, title, message, button, cancel string) bool {
	if c.PostForm("confirm") == "1" {
		return true
	}
	if wantsJSON(c) {
		d.Fail(c, errBadForm("confirm", "must be 1: the page asks the moderator first"))
		return false
	}
	v := confirmView{page: d.base(c, title, ""), Message: message, Action: c.Request.URL.Path,
		Button: button, Danger: true, Cancel: localPath(cancel, "/queue")}
	names := make([]string, 0, len(c.Request.PostForm))
	for name := range c.Request.PostForm {
		if name != "csrf" && name != "confirm" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		for _, val := range c.Request.PostForm[name] {
			v.Fields = append(v.Fields, confirmField{Name: name, Value: val})
		}
	}
	d.render(c, http.StatusOK, "confirm", v)
	return false
}

// confirmBulkReject asks before rejecting n selected comments for reason.
func (d *Handler) confirmBulkReject(c *gin.Context, n int, reason moderation.ReasonCode) bool {
	return d.confirmed(c, "Reject the selection?",
		fmt.Sprintf("Reject %d selected comment(s) as %s? Each can later be changed only from its own page.", n, label(string(reason))),
		"Reject "+strconv.Itoa(n)+" comment(s)", queueLink(moderation.QueueKind(c.PostForm("queue")), "", 1))
}

// keyName names an API key for a confirmation ("Key 3" when it cannot be read).
func (d *Handler) keyName(c *gin.Context, id int64) string {
	keys, err := d.Svc.APIKeys(c.Request.Context())
	if err == nil {
		for _, k := range keys {
			if k.ID == id {
				return "Key “" + k.Name + "” (" + k.Prefix + "…)"
			}
		}
	}
	return "Key " + strconv.FormatInt(id, 10)
}
