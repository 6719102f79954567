package moderation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// RescoreFilter selects the stored comments a rescoring run looks at. The zero value selects
// every comment.
type RescoreFilter struct {
	Since     time.Time // comments created at or after Since (zero: any time)
	ArticleID string    // "" for every article
	Undecided bool      // only comments no human has decided
}

// RescoreItem is a stored comment as the rescorer reads it.
type RescoreItem struct {
	ID             int64
	ArticleID      string
	Text           string
	ModelVersion   string  // version of the current assessment ("" when never scored)
	MachineVerdict Verdict // the current machine verdict
	// Reasons are the current verdict's reasons. Stores leave them out: the rescorer reads
	// them (ReasonStore) for the comments whose article's mode needs them (NeedsReasons).
	Reasons []Reason
	// Decision is the latest human decision's verdict, "" while no human has decided.
	Decision Verdict
	// Standing is the author standing the current verdict was given under (StandingOf its
	// reasons), "" for none: a rescore judges the comment under the same one.
	Standing AuthorStatus
}

// RescoreResult is the new assessment of one comment. Verdict, Reasons and Priority replace
// the machine verdict only when Decided is false; the scores are stored either way.
type RescoreResult struct {
	ID         int64
	Assessment Assessment
	Verdict    Verdict
	Reasons    []Reason
	Priority   float64
	Decided    bool
	// Changed reports an undecided comment whose machine verdict changes.
	Changed bool
	Old     Verdict
}

// RescoreCheckpoint is how far an applied run has come: every comment with ID ≤ LastID that
// the filter selects was rescored and written.
type RescoreCheckpoint struct {
	Key          string
	ModelVersion string
	LastID       int64
	Processed    int
	Done         bool
	StartedAt    time.Time
	UpdatedAt    time.Time
}

// RescoreWrite is one batch to write in one transaction: new score rows and verdicts, audit
// rows for changed verdicts, the batch's share of the report and the checkpoint after it.
type RescoreWrite struct {
	Checkpoint RescoreCheckpoint
	Results    []RescoreResult
	Tally      RescoreTally
}

// RescoreStore is what a Rescorer needs from storage.
type RescoreStore interface {
	ReasonStore
	Article(ctx context.Context, id string) (Article, error)
	// CountRescore counts the comments f selects with ID > after.
	CountRescore(ctx context.Context, f RescoreFilter, after int64) (int, error)
	// RescoreBatch returns up to limit comments selected by f with ID > after, in ID order.
	RescoreBatch(ctx context.Context, f RescoreFilter, after int64, limit int) ([]RescoreItem, error)
	// Explanations returns the current assessment's explanation of each comment that has one.
	Explanations(ctx context.Context, ids []int64) (map[int64]map[string][]Contribution, error)
	// RescoreCheckpoint returns a run's checkpoint, or ErrNotFound.
	RescoreCheckpoint(ctx context.Context, key string) (RescoreCheckpoint, error)
	// RescoreTallies returns the report shares of a run's committed batches, in batch order.
	RescoreTallies(ctx context.Context, key string) ([]RescoreTally, error)
	// StartRescore creates or replaces a run's checkpoint, dropping its earlier batches.
	StartRescore(ctx context.Context, cp RescoreCheckpoint) error
	// ApplyRescore writes one batch and its checkpoint atomically. It never changes the
	// machine verdict of a comment that has a human decision by the time it writes.
	ApplyRescore(ctx context.Context, w RescoreWrite) error
	// FinishRescore marks a run done.
	FinishRescore(ctx context.Context, key string, at time.Time) error
}

// RescoreProgress is reported after every batch.
type RescoreProgress struct {
	Done, Total int
	Changed     int
	Resumed     int // of Done, by earlier, interrupted invocations
}

// Rescorer scores stored comments again with a (new) classifier and the policy, and, when
// Apply is set, stores the new scores and changes the machine verdicts of undecided comments.
// Humans have the last word: a decided comment keeps its verdict, and only its new scores are
// stored. Results do not depend on Workers.
type Rescorer struct {
	Store      RescoreStore
	Classifier Classifier
	Policy     Policy
	// Apply writes; without it (a dry run) nothing is changed.
	Apply bool
	// Workers is how many comments are scored at once (default GOMAXPROCS).
	Workers int
	// BatchSize is how many comments one read and one write transaction cover (default 5000).
	BatchSize int
	// Progress, if set, is called after every batch from the goroutine running Run.
	Progress func(RescoreProgress)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// DefaultRescoreBatch is the default number of comments per batch: large enough that a
// transaction's fixed cost vanishes, small enough that a killed run loses little work.
const DefaultRescoreBatch = 5000

// RunKey identifies a run: the same model, policy and filter give the same key, so rerunning
// the same command finds the checkpoint of the run it continues.
func (r *Rescorer) RunKey(f RescoreFilter) string {
	h := sha256.New()
	// fmt prints maps with sorted keys, so the policy's text is deterministic.
	fmt.Fprintf(h, "%s\x00%v\x00%s\x00%t\x00%v", r.Classifier.Version(), r.Policy,
		f.ArticleID, f.Undecided, f.Since.UTC().Format(time.RFC3339Nano))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Run rescores the comments f selects and returns the report. An applied run resumes from
// its checkpoint; a run already done starts over (which changes nothing but score times).
// When ctx ends, Run stops after the batch being written and returns ctx's error: rerun to
// continue.
func (r *Rescorer) Run(ctx context.Context, f RescoreFilter) (RescoreReport, error) {
	if r.Store == nil || r.Classifier == nil {
		return RescoreReport{}, errors.New("rescore: store and classifier are required")
	}
	now := r.Now
	if now == nil {
		now = time.Now
	}
	rep := RescoreReport{ModelVersion: r.Classifier.Version(), Filter: f, Apply: r.Apply, Key: r.RunKey(f)}
	rep.Tally.init()
	start := now()
	cp := RescoreCheckpoint{Key: rep.Key, ModelVersion: rep.ModelVersion, StartedAt: start.UTC(), UpdatedAt: start.UTC()}
	if r.Apply {
		prev, err := r.Store.RescoreCheckpoint(ctx, rep.Key)
		switch {
		case err == nil && !prev.Done:
			cp = prev
			rep.Resumed = prev.Processed
			tallies, err := r.Store.RescoreTallies(ctx, rep.Key)
			if err != nil {
				return rep, fmt.Errorf("rescore: %w", err)
			}
			for _, t := range tallies {
				rep.Tally.Add(t)
			}
		case err == nil || errors.Is(err, ErrNotFound):
			if err := r.Store.StartRescore(ctx, cp); err != nil {
				return rep, fmt.Errorf("rescore: %w", err)
			}
		default:
			return rep, fmt.Errorf("rescore: %w", err)
		}
	}
	remaining, err := r.Store.CountRescore(ctx, f, cp.LastID)
	if err != nil {
		return rep, fmt.Errorf("rescore: %w", err)
	}
	rep.Total = cp.Processed + remaining

	err = r.stream(ctx, f, cp, &rep, now)
	rep.Elapsed = now().Sub(start)
	if err != nil {
		return rep, err
	}
	if r.Apply {
		if err := r.Store.FinishRescore(ctx, rep.Key, now().UTC()); err != nil {
			return rep, fmt.Errorf("rescore: %w", err)
		}
	}
	return rep, nil
}

// job is one batch on its way through the pipeline.
type job struct {
	items    []RescoreItem
	articles []*Article // per item
	results  []RescoreResult
	err      error
}

// stream runs the pipeline: a reader fetches batch k+2 while the workers score batch k+1 and
// this goroutine tallies and writes batch k, in order, so the outcome is that of scoring the
// comments one by one.
func (r *Rescorer) stream(ctx context.Context, f RescoreFilter, cp RescoreCheckpoint, rep *RescoreReport, now func() time.Time) error {
	batch := r.BatchSize
	if batch <= 0 {
		batch = DefaultRescoreBatch
	}
	workers := r.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	read := make(chan *job, 1)
	scored := make(chan *job, 1)
	go r.read(ctx, f, cp.LastID, batch, read)
	go func() {
		defer close(scored)
		for j := range read {
			if j.err == nil {
				j.err = r.score(j, workers)
			}
			select {
			case scored <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	for j := range scored {
		if j.err != nil {
			return fmt.Errorf("rescore: %w", j.err)
		}
		t, err := r.tally(ctx, j)
		if err != nil {
			return fmt.Errorf("rescore: %w", err)
		}
		cp.LastID = j.items[len(j.items)-1].ID
		cp.Processed += len(j.items)
		cp.UpdatedAt = now().UTC()
		if r.Apply {
			// The write is not cancelled by ctx: a batch is written whole or not at all.
			w := RescoreWrite{Checkpoint: cp, Results: j.results, Tally: t}
			if err := r.Store.ApplyRescore(context.WithoutCancel(ctx), w); err != nil {
				return fmt.Errorf("rescore: write batch ending at comment %d: %w", cp.LastID, err)
			}
		}
		rep.Tally.Add(t)
		rep.Processed = cp.Processed
		if r.Progress != nil {
			r.Progress(RescoreProgress{Done: cp.Processed, Total: rep.Total, Changed: rep.Tally.Changed, Resumed: rep.Resumed})
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("rescore: stopped after comment %d: %w", cp.LastID, err)
		}
	}
	return ctx.Err()
}

// articleCacheBytes bounds the stance contexts the reader keeps; when full it starts afresh.
// Comments come in ID (so roughly time) order, and an article's comments cluster in time.
const articleCacheBytes = 64 << 20

// read sends batches until the filter's comments run out, an error (sent as a job) or ctx ends.
func (r *Rescorer) read(ctx context.Context, f RescoreFilter, after int64, limit int, out chan<- *job) {
	defer close(out)
	cache := map[string]*Article{}
	cached := 0
	send := func(j *job) bool {
		select {
		case out <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		items, err := r.Store.RescoreBatch(ctx, f, after, limit)
		if err != nil {
			send(&job{err: err})
			return
		}
		if len(items) == 0 {
			return
		}
		j := &job{items: items, articles: make([]*Article, len(items))}
		for i, it := range items {
			a, ok := cache[it.ArticleID]
			if !ok {
				art, err := r.Store.Article(ctx, it.ArticleID)
				if err != nil {
					send(&job{err: fmt.Errorf("article of comment %d: %w", it.ID, err)})
					return
				}
				if cached += len(art.Title) + len(art.Body) + len(art.StanceTarget); cached > articleCacheBytes {
					cache, cached = map[string]*Article{}, 0
				}
				a = &art
				cache[it.ArticleID] = a
			}
			j.articles[i] = a
		}
		if err := r.readReasons(ctx, j); err != nil {
			send(&job{err: err})
			return
		}
		if !send(j) {
			return
		}
		after = items[len(items)-1].ID
	}
}

// readReasons fills the reasons of the batch's comments that StoredMode needs them for.
func (r *Rescorer) readReasons(ctx context.Context, j *job) error {
	ids := make([]int64, len(j.items))
	modes := make([]Mode, len(j.items))
	for i, it := range j.items {
		ids[i], modes[i] = it.ID, j.articles[i].Mode
	}
	reasons, err := storedReasons(ctx, r.Store, ids, modes)
	if err != nil {
		return fmt.Errorf("reasons: %w", err)
	}
	for i := range j.items {
		j.items[i].Reasons = reasons[j.items[i].ID]
	}
	return nil
}

// score assesses a batch on workers goroutines, each taking every workers-th comment.
func (r *Rescorer) score(j *job, workers int) error {
	j.results = make([]RescoreResult, len(j.items))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(j.items); i += workers {
				res, err := r.rescoreOne(j.items[i], j.articles[i])
				if err != nil {
					errs[w] = fmt.Errorf("comment %d: %w", j.items[i].ID, err)
					return
				}
				j.results[i] = res
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// rescoreOne scores one comment and applies the policy under its article's mode.
func (r *Rescorer) rescoreOne(it RescoreItem, a *Article) (RescoreResult, error) {
	context := a.StanceContext()
	quick, ok := r.Classifier.(QuickClassifier)
	var as Assessment
	var err error
	if ok {
		as, err = quick.Score(it.Text, context)
	} else {
		as, err = r.Classifier.Assess(it.Text, context)
	}
	if err != nil {
		return RescoreResult{}, err
	}
	as = r.Policy.Adjust(as)
	verdict, reasons := r.Policy.JudgeStored(it.Text, as, a.Mode, it.Reasons, it.Standing)
	if ok && (verdict != Approve || verdict != it.MachineVerdict) {
		// Worth explaining: a moderator will see it, or the report lists why it changed.
		full, err := r.Classifier.Assess(it.Text, context)
		if err != nil {
			return RescoreResult{}, err
		}
		as.Explanation = full.Explanation
	}
	res := RescoreResult{ID: it.ID, Assessment: as, Verdict: verdict, Reasons: reasons,
		Priority: Priority(as.Scores), Decided: it.Decision != "", Old: it.MachineVerdict}
	res.Changed = !res.Decided && verdict != it.MachineVerdict
	return res, nil
}
