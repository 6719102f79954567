package api

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tribune/tribune/moderation"
)

// TestConcurrentSubmitClaimDecide has many goroutines submitting (and retrying some
// submissions) through the router while several moderators claim and decide at once, and
// some try to decide comments others hold. No comment may be lost or stored twice, none
// claimed by two moderators, none decided twice without override.
func TestConcurrentSubmitClaimDecide(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("busy", moderation.ModePremoderate)
	mods := map[string]string{"alice": f.Alice, "bob": f.Bob, "carol": f.Moderator("carol")}
	const submitters, perSubmitter = 8, 20

	var (
		mu        sync.Mutex
		accepted  = map[int64]string{} // comment → idempotency key
		claimedBy = map[int64][]string{}
		decided   = map[int64][]string{}
		held      []int64 // claimed items, for others to try to steal
		failures  []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}

	var submitWG sync.WaitGroup
	var submitting atomic.Int32
	submitting.Store(submitters)
	for s := range submitters {
		submitWG.Go(func() {
			defer submitting.Add(-1)
			for i := range perSubmitter {
				key := fmt.Sprintf("s%d-%d", s, i)
				body := fmt.Sprintf(`{"article_id":"busy","author":{"id":"s%d"},"text":"Comment %d from submitter %d."}`, i, s, i)
				tries := 1 + i%4/3 // every fourth submission is retried
				var first int64
				for try := range tries {
					w := f.Do(http.MethodPost, "/api/v1/comments", f.Key, body, IdempotencyHeader, key)
					var c commentResponse
					if err := json.Unmarshal(w.Body.Bytes(), &c); err != nil || (w.Code != 201 && w.Code != 200) {
						fail("submit %s: status %d body %s", key, w.Code, w.Body)
						continue
					}
					if try == 0 {
						first = c.ID
						mu.Lock()
						if prev, dup := accepted[c.ID]; dup {
							failures = append(failures, fmt.Sprintf("comment %d returned for %s and %s", c.ID, prev, key))
						}
						accepted[c.ID] = key
						mu.Unlock()
					} else if w.Code != http.StatusOK || c.ID != first {
						fail("retry of %s: status %d id %d, want 200 and id %d", key, w.Code, c.ID, first)
					}
				}
			}
		})
	}

	var modWG sync.WaitGroup
	for name, token := range mods {
		modWG.Go(func() {
			for idle := 0; idle < 3; {
				var q queueResponse
				w := f.Do(http.MethodPost, "/api/v1/queue/claim", token, `{"count":3}`)
				if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &q) != nil {
					fail("%s claim: status %d body %s", name, w.Code, w.Body)
					return
				}
				if len(q.Items) == 0 {
					if submitting.Load() == 0 {
						idle++
					}
					continue
				}
				idle = 0
				mu.Lock()
				for _, it := range q.Items {
					claimedBy[it.ID] = append(claimedBy[it.ID], name)
					held = append(held, it.ID)
				}
				victim := held[rand.IntN(len(held))]
				mu.Unlock()
				// Stealing: the victim is held or decided by someone else (or by us, already).
				if w := f.Do(http.MethodPost, fmt.Sprintf("/api/v1/comments/%d/decision", victim), token,
					`{"verdict":"reject","reason":"spam"}`); w.Code != http.StatusConflict && !mine(q.Items, victim) {
					fail("%s stealing %d: status %d, want 409", name, victim, w.Code)
				} else if w.Code == http.StatusCreated {
					mu.Lock()
					decided[victim] = append(decided[victim], name)
					mu.Unlock()
				}
				for _, it := range q.Items {
					mu.Lock()
					done := len(decided[it.ID]) > 0 // by the stealing attempt on our own item
					mu.Unlock()
					if done {
						continue
					}
					w := f.Do(http.MethodPost, fmt.Sprintf("/api/v1/comments/%d/decision", it.ID), token, `{"verdict":"approve"}`)
					if w.Code != http.StatusCreated {
						fail("%s deciding its claim %d: status %d body %s", name, it.ID, w.Code, w.Body)
						continue
					}
					mu.Lock()
					decided[it.ID] = append(decided[it.ID], name)
					mu.Unlock()
				}
			}
		})
	}
	submitWG.Wait()
	modWG.Wait()

	for _, msg := range failures {
		t.Error(msg)
	}
	if len(accepted) != submitters*perSubmitter {
		t.Errorf("accepted %d comments, want %d", len(accepted), submitters*perSubmitter)
	}
	for id := range accepted {
		if n := len(claimedBy[id]); n != 1 {
			t.Errorf("comment %d claimed by %v, want exactly one moderator", id, claimedBy[id])
		}
		if n := len(decided[id]); n != 1 {
			t.Errorf("comment %d decided by %v, want exactly once", id, decided[id])
		}
		hist, err := f.Svc.History(t.Context(), id)
		if err != nil {
			t.Fatalf("History(%d): %v", id, err)
		}
		var decisions int
		for _, h := range hist {
			if h.Action == moderation.AuditDecided || h.Action == moderation.AuditOverride {
				decisions++
			}
		}
		if decisions != 1 {
			t.Errorf("comment %d has %d audited decisions, want 1", id, decisions)
		}
	}
	var art articleResponse
	f.DoJSON(http.MethodGet, "/api/v1/articles/busy", f.Key, nil, http.StatusOK, &art)
	if art.Counts.Total != len(accepted) || art.Counts.Undecided != 0 || art.Counts.Status["hold"] != 0 {
		t.Errorf("article counts = %+v, want %d comments, all decided", art.Counts, len(accepted))
	}
}

func mine(items []commentResponse, id int64) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}
