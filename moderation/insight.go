package moderation

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrNoInsights means the store behind the Service cannot answer insight queries (a test fake
// that implements only Store).
var ErrNoInsights = errors.New("insights: the store does not implement InsightStore")

// InsightStore answers the aggregate questions the dashboard's overview and the policy preview
// ask. It is optional: a Service whose store also implements it offers Overview and
// PreviewPolicy.
type InsightStore interface {
	ReasonStore
	// Volume counts comments created at or after since, per bucket: "hour" buckets are keyed
	// by the UTC hour's start, "day" buckets by the UTC day's. Buckets without comments are
	// omitted; the result is ordered by time.
	Volume(ctx context.Context, since time.Time, bucket Bucket) ([]VolumePoint, error)
	// VerdictCounts counts comments created at or after since by machine verdict.
	VerdictCounts(ctx context.Context, since time.Time) (map[Verdict]int, error)
	// StanceCounts counts comments created at or after since by decided stance (Unclear
	// included; comments without stance scores are left out).
	StanceCounts(ctx context.Context, since time.Time) (map[Stance]int, error)
	// QueueAges counts held, undecided comments created before each cutoff (cutoffs in any
	// order, answers in the same order) and returns the oldest one's creation time (zero when
	// the queue is empty).
	QueueAges(ctx context.Context, cutoffs []time.Time) (counts []int, oldest time.Time, err error)
	// Agreement counts human-decided comments decided at or after since by (machine verdict,
	// latest human verdict).
	Agreement(ctx context.Context, since time.Time) ([]AgreementCount, error)
	// RecentAssessments returns the n most recent comments with their current stored scores
	// and their article's mode, newest first.
	RecentAssessments(ctx context.Context, n int) ([]StoredAssessment, error)
	// ScoreHistory returns every stored assessment of a comment, one per model version,
	// oldest first.
	ScoreHistory(ctx context.Context, commentID int64) ([]ScoreRecord, error)
	// ToneScores returns the current tone scores of an article's n most recent comments.
	ToneScores(ctx context.Context, articleID string, n int) ([]map[string]float64, error)
}

// ScoreRecord is one stored assessment of a comment by one model version.
type ScoreRecord struct {
	ModelVersion string
	Scores       Scores
	CreatedAt    time.Time
}

// Bucket is the width of a Volume bucket.
type Bucket string

// The bucket widths.
const (
	Hourly Bucket = "hour"
	Daily  Bucket = "day"
)

// VolumePoint is the number of comments created in one bucket.
type VolumePoint struct {
	Start time.Time
	Count int
}

// AgreementCount is how many decided comments the machine judged Machine and a human Human.
type AgreementCount struct {
	Machine Verdict
	Human   Verdict
	Count   int
}

// StoredAssessment is what re-evaluating a stored comment under another policy needs.
type StoredAssessment struct {
	CommentID      int64
	Text           string
	Scores         Scores
	Language       string // detected with the scores, "" when undetermined
	Mode           Mode
	MachineVerdict Verdict
	Decided        bool // a human decided it: a policy change never alters its status
	// Standing is the author standing its verdict was given under, "" for none.
	Standing AuthorStatus
}

// Overview summarises recent activity for the dashboard.
type Overview struct {
	Since    time.Time
	Hourly   []VolumePoint // the last 48 hours, every hour present (zeros included)
	Daily    []VolumePoint // the last 14 days, every day present
	Verdicts map[Verdict]int
	Total    int
	// ByStance counts the window's comments by decided stance, Unclear included.
	ByStance    map[Stance]int
	QueueSize   int
	QueueOldest time.Time // zero when the queue is empty
	// QueueAges counts waiting comments older than each of QueueAgeLimits.
	QueueAges []int
	// Agreement breaks human decisions down by what the machine had said. Agreed counts
	// decisions matching the machine's verdict; a held comment counts as agreed with neither
	// verdict, since the machine deferred.
	Agreement []AgreementCount
	Decided   int
	Agreed    int // machine approved and human approved, or machine rejected and human rejected
	Deferred  int // machine held
}

// QueueAgeLimits are the waiting times the overview counts queue items against.
var QueueAgeLimits = []time.Duration{time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour}

// Overview window sizes.
const (
	overviewHours = 48
	overviewDays  = 14
)

func (s *Service) insights() (InsightStore, error) {
	is, ok := s.store.(InsightStore)
	if !ok {
		return nil, ErrNoInsights
	}
	return is, nil
}

// Overview gathers comment volume per hour and per day, the share of machine verdicts over
// the last 14 days, the queue's size and age, and how often moderators agreed with the model.
func (s *Service) Overview(ctx context.Context) (Overview, error) {
	is, err := s.insights()
	if err != nil {
		return Overview{}, err
	}
	now := s.now()
	today := now.Truncate(24 * time.Hour)
	o := Overview{Since: today.AddDate(0, 0, -(overviewDays - 1))}
	hourStart := now.Truncate(time.Hour).Add(-(overviewHours - 1) * time.Hour)
	hours, err := is.Volume(ctx, hourStart, Hourly)
	if err != nil {
		return Overview{}, fmt.Errorf("overview: %w", err)
	}
	o.Hourly = fillBuckets(hours, hourStart, time.Hour, overviewHours)
	days, err := is.Volume(ctx, o.Since, Daily)
	if err != nil {
		return Overview{}, fmt.Errorf("overview: %w", err)
	}
	o.Daily = fillBuckets(days, o.Since, 24*time.Hour, overviewDays)
	if o.Verdicts, err = is.VerdictCounts(ctx, o.Since); err != nil {
		return Overview{}, fmt.Errorf("overview: %w", err)
	}
	for _, n := range o.Verdicts {
		o.Total += n
	}
	if o.ByStance, err = is.StanceCounts(ctx, o.Since); err != nil {
		return Overview{}, fmt.Errorf("overview: %w", err)
	}
	cutoffs := make([]time.Time, len(QueueAgeLimits))
	for i, d := range QueueAgeLimits {
		cutoffs[i] = now.Add(-d)
	}
	if o.QueueAges, o.QueueOldest, err = is.QueueAges(ctx, cutoffs); err != nil {
		return Overview{}, fmt.Errorf("overview: %w", err)
	}
	if o.QueueSize, err = s.store.QueueSize(ctx); err != nil {
		return Overview{}, fmt.Errorf("overview: %w", err)
	}
	if o.Agreement, err = is.Agreement(ctx, o.Since); err != nil {
		return Overview{}, fmt.Errorf("overview: %w", err)
	}
	for _, a := range o.Agreement {
		o.Decided += a.Count
		switch {
		case a.Machine == Hold:
			o.Deferred += a.Count
		case a.Machine == a.Human:
			o.Agreed += a.Count
		}
	}
	return o, nil
}

// fillBuckets returns n consecutive buckets from start, taking counts from points.
func fillBuckets(points []VolumePoint, start time.Time, width time.Duration, n int) []VolumePoint {
	byStart := make(map[time.Time]int, len(points))
	for _, p := range points {
		byStart[p.Start.UTC()] += p.Count
	}
	out := make([]VolumePoint, n)
	for i := range out {
		t := start.Add(time.Duration(i) * width).UTC()
		out[i] = VolumePoint{Start: t, Count: byStart[t]}
	}
	return out
}

// PolicyPreview is what a policy change would do to recent comments.
type PolicyPreview struct {
	Checked int // comments re-evaluated
	Changed int // machine verdicts that would change on undecided comments
	// Transitions counts changes by "from→to" machine verdict, undecided comments only.
	Transitions map[[2]Verdict]int
	// DecidedChanged counts human-decided comments whose machine verdict would change; their
	// status stays what the human decided.
	DecidedChanged int
	// Examples are up to MaxPreviewExamples of the changed undecided comments' IDs.
	Examples []int64
}

// Policy preview bounds.
const (
	DefaultPreviewSize = 1000
	MaxPreviewSize     = 20000
	MaxPreviewExamples = 20
)

// PreviewPolicy re-runs p over the stored scores of the n most recent comments (no
// classifier call: the scores are the ones stored) and counts how many machine verdicts would
// change. Each comment is judged as rescoring judges it (Policy.JudgeStored), so the preview
// and a dry-run rescore with the same model agree. p is cleaned and validated as SetPolicy
// would.
func (s *Service) PreviewPolicy(ctx context.Context, p Policy, n int) (PolicyPreview, error) {
	p.BannedWords = CleanWordList(p.BannedWords)
	p.SuspectWords = CleanWordList(p.SuspectWords)
	if err := p.Validate(); err != nil {
		return PolicyPreview{}, err
	}
	switch {
	case n <= 0:
		n = DefaultPreviewSize
	case n > MaxPreviewSize:
		return PolicyPreview{}, invalid("n", "at most %d comments can be previewed", MaxPreviewSize)
	}
	is, err := s.insights()
	if err != nil {
		return PolicyPreview{}, err
	}
	recent, err := is.RecentAssessments(ctx, n)
	if err != nil {
		return PolicyPreview{}, fmt.Errorf("preview policy: %w", err)
	}
	ids := make([]int64, len(recent))
	modes := make([]Mode, len(recent))
	for i, a := range recent {
		ids[i], modes[i] = a.CommentID, a.Mode
	}
	reasons, err := storedReasons(ctx, is, ids, modes)
	if err != nil {
		return PolicyPreview{}, fmt.Errorf("preview policy: %w", err)
	}
	pv := PolicyPreview{Checked: len(recent), Transitions: map[[2]Verdict]int{}}
	for _, a := range recent {
		v, _ := p.JudgeStored(a.Text, Assessment{Scores: a.Scores, Language: a.Language}, a.Mode, reasons[a.CommentID], a.Standing)
		if v == a.MachineVerdict {
			continue
		}
		if a.Decided {
			pv.DecidedChanged++
			continue
		}
		pv.Changed++
		pv.Transitions[[2]Verdict{a.MachineVerdict, v}]++
		if len(pv.Examples) < MaxPreviewExamples {
			pv.Examples = append(pv.Examples, a.CommentID)
		}
	}
	return pv, nil
}

// ScoreHistory returns every machine assessment of a comment, one per model version, oldest
// first.
func (s *Service) ScoreHistory(ctx context.Context, commentID int64) ([]ScoreRecord, error) {
	is, err := s.insights()
	if err != nil {
		return nil, err
	}
	return is.ScoreHistory(ctx, commentID)
}

// HistogramBins is the number of bins of a ToneHistogram: powers of two of the hold
// threshold, from under an eighth of it to eight times it and more.
const HistogramBins = 8

// HistogramHoldBin is the first bin at or over the hold threshold.
const HistogramHoldBin = HistogramBins / 2

// MaxHistogramComments bounds how many of an article's comments a ToneHistogram reads.
const MaxHistogramComments = 5000

// ToneHistogram counts an article's most recent comments (at most MaxHistogramComments) by
// how close their tone comes to the policy's hold thresholds: each comment's largest ratio of
// a tone score to that tone's hold threshold, binned by powers of two (bin HistogramHoldBin
// starts at the threshold itself). Scores on one [0, 1] axis would mislead: the heads'
// thresholds differ by orders of magnitude, so no single line marks "held".
func (s *Service) ToneHistogram(ctx context.Context, articleID string) ([HistogramBins]int, error) {
	var bins [HistogramBins]int
	is, err := s.insights()
	if err != nil {
		return bins, err
	}
	tones, err := is.ToneScores(ctx, articleID, MaxHistogramComments)
	if err != nil {
		return bins, fmt.Errorf("tone histogram: %w", err)
	}
	hold := s.Policy().Hold
	for _, t := range tones {
		bins[HistogramBin(t, hold)]++
	}
	return bins, nil
}

// HistogramBin is the ToneHistogram bin of a comment's tone scores under hold thresholds.
func HistogramBin(tone, hold map[string]float64) int {
	ratio := 0.0
	for head, score := range tone {
		if h := hold[head]; h > 0 {
			ratio = max(ratio, score/h)
		}
	}
	switch {
	case ratio <= 0:
		return 0
	case ratio >= math.Ldexp(1, HistogramHoldBin-1):
		return HistogramBins - 1
	}
	_, exp := math.Frexp(ratio) // ratio = frac × 2^exp with frac in [0.5, 1)
	return max(0, exp-1+HistogramHoldBin)
}
