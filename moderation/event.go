package moderation

import (
	"context"
	"fmt"
	"time"
)

// EventKind names what an Event reports.
type EventKind string

// Event kinds. A site learns a new comment's verdict from EventVerdict and a moderator's
// later decision from EventDecision; Status is what to show in both.
const (
	EventVerdict  EventKind = "comment.verdict"
	EventDecision EventKind = "comment.decision"
)

// Event is one entry of the outbox sites read: through GET /api/v1/changes or webhooks. The
// store writes it in the same transaction as the verdict or decision it reports, so no
// decision is lost between the database and the site. IDs increase; they are the cursor.
type Event struct {
	ID           int64
	Kind         EventKind
	CommentID    int64
	ArticleID    string
	Scope        string  // the comment's submission scope, e.g. "key:3"
	Status       Verdict // the comment's effective status after the event
	Verdict      Verdict // the machine's verdict (EventVerdict) or the moderator's (EventDecision)
	Reasons      []string
	Moderator    string // EventDecision only
	ModelVersion string
	CreatedAt    time.Time
}

// EventStore reads the outbox. Writing belongs to CommentStore.InsertComment and
// ReviewStore.Decide, inside their transactions.
type EventStore interface {
	// Events returns up to limit events with ID > after, in ID order; scope "" means all.
	Events(ctx context.Context, after int64, scope string, limit int) ([]Event, error)
	// LastEventID is the newest event's ID, 0 when there is none.
	LastEventID(ctx context.Context) (int64, error)
}

// ChangePage is one page of the changes feed. Cursor is where the next page starts; it equals
// the request's cursor when nothing is new.
type ChangePage struct {
	Events []Event
	Cursor int64
}

// Changes serves the changes feed: verdicts and decisions after a cursor, for sites that pull.
type Changes struct {
	store EventStore
}

// NewChanges returns the changes feed over store.
func NewChanges(store EventStore) *Changes { return &Changes{store: store} }

// Since returns up to limit events after cursor (0: from the beginning).
func (c *Changes) Since(ctx context.Context, cursor int64, limit int) (ChangePage, error) {
	if cursor < 0 {
		return ChangePage{}, invalid("cursor", "must not be negative")
	}
	evs, err := c.store.Events(ctx, cursor, "", clampLimit(limit))
	if err != nil {
		return ChangePage{}, fmt.Errorf("changes: %w", err)
	}
	page := ChangePage{Events: evs, Cursor: cursor}
	if len(evs) > 0 {
		page.Cursor = evs[len(evs)-1].ID
	}
	return page, nil
}

// maxSitePages bounds how many pages of other sites' events one SiteSince call reads past;
// its cursor still advances over them, so the next call goes on from there.
const maxSitePages = 10

// SiteSince is Since for one site's API key: only events on the site's articles, with the
// article ids the site knows (see ArticleKey). Another site's events are skipped, never
// shown, so a page may hold fewer than limit events while the cursor moves on.
func (c *Changes) SiteSince(ctx context.Context, site int64, cursor int64, limit int) (ChangePage, error) {
	if cursor < 0 {
		return ChangePage{}, invalid("cursor", "must not be negative")
	}
	limit = clampLimit(limit)
	page := ChangePage{Events: []Event{}, Cursor: cursor}
	for range maxSitePages {
		want := limit - len(page.Events)
		evs, err := c.store.Events(ctx, page.Cursor, "", want)
		if err != nil {
			return ChangePage{}, fmt.Errorf("changes: %w", err)
		}
		for _, ev := range evs {
			page.Cursor = ev.ID
			evSite, id := SplitArticleKey(ev.ArticleID)
			if evSite != site {
				continue
			}
			ev.ArticleID = id
			page.Events = append(page.Events, ev)
		}
		if len(evs) < want || len(page.Events) == limit {
			break // caught up, or the page is full
		}
	}
	return page, nil
}
