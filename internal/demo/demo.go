// Package demo loads Tribune's demo data set (fixtures/demo*: articles, a few hundred comments
// written for the demo, and moderators' decisions) into a database, for "tribune serve --demo".
package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tribune/tribune/fixtures"
	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// Demo accounts. The admin's password is new on every start and printed; the moderator plays
// the human decisions of the demo history (an admin can set its password in the settings).
const (
	Admin     = "demo-admin"
	Moderator = "demo-moderator"
	scope     = "demo"
)

// DB is the database "serve --demo" uses unless --db or TRIBUNE_DB names one.
const DB = "tribune-demo.db"

// CheckTarget refuses to load the demo into the database at path when it holds comments from
// outside the demo or API keys (a real site's); "serve --demo-force" skips this check.
func CheckTarget(ctx context.Context, db *store.DB, path string) error {
	n, err := db.ForeignData(ctx, scope)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("demo: %s holds %d comments or API keys that are not demo data; "+
			"run the demo on its own database (omit --db, or give a new file) or pass --demo-force", path, n)
	}
	return nil
}

// Report is what Load did.
type Report struct {
	Stored, Existing, Decided, Reported int
	Admin, Password                     string
}

// Load loads the demo data set (fixtures/demo*) into the database: its articles, its
// comments scored by the service's classifier and policy, and human decisions on about two
// thirds of the held comments older than six hours, so every page has something to show. It is
// idempotent: comments carry idempotency keys, and a second run stores and decides nothing new.
// It must run before the server starts: it moves the service's and the store's clocks back to
// each comment's time while storing it.
func Load(ctx context.Context, svc *moderation.Service, db *store.DB, w io.Writer) (Report, error) {
	var rep Report
	articles, err := fixtures.DemoArticles()
	if err != nil {
		return rep, err
	}
	for _, a := range articles {
		if _, _, err := svc.PutArticle(ctx, moderation.Article{ID: a.ID, Title: a.Title, URL: a.URL, Body: a.Body,
			StanceTarget: a.StanceTarget, Mode: moderation.Mode(a.Mode)}); err != nil {
			return rep, fmt.Errorf("demo: article %s: %w", a.ID, err)
		}
	}
	// crypto/rand.Text: 26 random base32 characters (130 bits), never an error.
	rep.Password = rand.Text()
	rep.Admin = Admin
	if err := ensureModerator(ctx, svc, Admin, rep.Password, moderation.RoleAdmin); err != nil {
		return rep, err
	}
	if err := ensureModerator(ctx, svc, Moderator, rand.Text(), moderation.RoleModerator); err != nil {
		return rep, err
	}
	mods, err := svc.Moderators(ctx)
	if err != nil {
		return rep, err
	}
	var decider moderation.Moderator
	for _, m := range mods {
		if m.Name == Moderator {
			decider = m
		}
	}

	start := time.Now().UTC()
	svcNow, dbNow := svc.Now, db.Now
	defer func() { svc.Now, db.Now = svcNow, dbNow }()
	for i, dc := range fixtures.DemoComments() {
		at := start.Add(-dc.Age)
		clock := func() time.Time { return at }
		svc.Now, db.Now = clock, clock
		c, created, err := svc.Submit(ctx, scope, moderation.Submission{ArticleID: dc.ArticleID,
			Author: moderation.Author{ID: dc.AuthorID, Name: dc.AuthorName}, Text: dc.Text, IdempotencyKey: dc.Key})
		if err != nil {
			return rep, fmt.Errorf("demo: comment %s: %w", dc.Key, err)
		}
		if !created {
			rep.Existing++
			continue
		}
		rep.Stored++
		// Readers report a few comments: the "Reported" queue has something to show.
		if i%23 == 0 {
			if err := report(ctx, svc, c.ID, i); err != nil {
				return rep, err
			}
			rep.Reported++
		}
		// Leave recent comments and every third older one waiting in the queue.
		if c.Status() != moderation.Hold || dc.Age < 6*time.Hour || i%3 == 0 {
			continue
		}
		at = at.Add(time.Duration(10+i%50) * time.Minute) // decided a little after it arrived
		in := moderation.DecisionInput{CommentID: c.ID, Verdict: moderation.Approve, Reason: moderation.ReasonFalsePositive}
		if dc.Intent != "civil" {
			in = moderation.DecisionInput{CommentID: c.ID, Verdict: moderation.Reject, Reason: moderation.ReasonCode(dc.Intent)}
		}
		if _, err := svc.Decide(ctx, decider, in); err != nil {
			return rep, fmt.Errorf("demo: decide %s: %w", dc.Key, err)
		}
		rep.Decided++
	}
	fmt.Fprintf(w, "tribune: demo data: %d comments stored, %d already there, %d decided by %s, %d reported by readers\n",
		rep.Stored, rep.Existing, rep.Decided, Moderator, rep.Reported)
	fmt.Fprintf(w, "tribune: demo dashboard login: name %s, password %s\n", rep.Admin, rep.Password)
	return rep, nil
}

// report files a reader's report of a demo comment, as a site backend would.
func report(ctx context.Context, svc *moderation.Service, commentID int64, i int) error {
	reasons := moderation.ReportReasons
	in := moderation.ReportInput{ReporterID: fmt.Sprintf("demo-reader-%d", i%7), Reason: reasons[i%len(reasons)]}
	if in.Reason == moderation.ReportOther {
		in.Note = "This does not belong here."
	}
	if _, _, err := svc.ReportComment(ctx, moderation.DefaultSiteID, commentID, in); err != nil {
		return fmt.Errorf("demo: report comment %d: %w", commentID, err)
	}
	return nil
}

// ensureModerator creates a moderator, or sets the password of an existing one.
func ensureModerator(ctx context.Context, svc *moderation.Service, name, password string, role moderation.Role) error {
	_, err := svc.AddModerator(ctx, name, password, role)
	if errors.Is(err, moderation.ErrConflict) {
		err = svc.SetPassword(ctx, name, password)
	}
	if err != nil {
		return fmt.Errorf("demo: moderator %s: %w", name, err)
	}
	return nil
}
