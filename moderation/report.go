package moderation

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// ReportReason is why a reader reported a comment.
type ReportReason string

// The reasons a reader may give.
const (
	ReportAbuse        ReportReason = "abuse"         // insulting, hateful or threatening
	ReportSpam         ReportReason = "spam"          // advertising, flooding
	ReportOffTopic     ReportReason = "off_topic"     // nothing to do with the article
	ReportPersonalInfo ReportReason = "personal_info" // reveals someone's private details
	ReportOther        ReportReason = "other"         // see the note
)

// ReportReasons lists every report reason in display order.
var ReportReasons = []ReportReason{ReportAbuse, ReportSpam, ReportOffTopic, ReportPersonalInfo, ReportOther}

// MaxReportNoteBytes bounds a reader's note on a report.
const MaxReportNoteBytes = 1_000

// Report is one reader's report of a comment.
type Report struct {
	ID         int64
	CommentID  int64
	ReporterID string // the site's id of the reader who reported
	Reason     ReportReason
	Note       string
	CreatedAt  time.Time
}

// ReportInput is a report as a site backend sends it.
type ReportInput struct {
	ReporterID string
	Reason     ReportReason
	Note       string
}

// ReportStore persists readers' reports.
type ReportStore interface {
	// AddReport stores a report and an audit row on its comment in one transaction. A second
	// report of the same comment by the same reporter stores nothing and returns the first
	// with created false. An unknown comment is ErrNotFound.
	AddReport(ctx context.Context, r Report) (saved Report, created bool, err error)
	// Reports returns a comment's reports, oldest first.
	Reports(ctx context.Context, commentID int64) ([]Report, error)
}

// ReportComment records a reader's report of one of site's comments, sent by the site's
// backend. Reporting a comment changes nothing about it: it appears in the reported queue until
// a moderator decides it.
func (s *Service) ReportComment(ctx context.Context, site, commentID int64, in ReportInput) (Report, bool, error) {
	if err := checkText("reporter_id", in.ReporterID, MaxIDBytes, true); err != nil {
		return Report{}, false, err
	}
	if in.Reason == "" {
		return Report{}, false, invalid("reason", "is required (one of %v)", ReportReasons)
	}
	if !slices.Contains(ReportReasons, in.Reason) {
		return Report{}, false, invalid("reason", "%q is not a report reason (valid: %v)", in.Reason, ReportReasons)
	}
	if err := checkText("note", in.Note, MaxReportNoteBytes, false); err != nil {
		return Report{}, false, err
	}
	if _, err := s.SiteComment(ctx, site, commentID); err != nil {
		return Report{}, false, err
	}
	r, created, err := s.store.AddReport(ctx, Report{CommentID: commentID, ReporterID: in.ReporterID,
		Reason: in.Reason, Note: in.Note, CreatedAt: s.now()})
	if err != nil {
		return Report{}, false, fmt.Errorf("report comment %d: %w", commentID, err)
	}
	return r, created, nil
}

// Reports returns the reports of a comment moderator m may see, oldest first.
func (s *Service) Reports(ctx context.Context, m Moderator, commentID int64) ([]Report, error) {
	if _, err := s.CommentFor(ctx, m, commentID); err != nil {
		return nil, err
	}
	return s.store.Reports(ctx, commentID)
}
