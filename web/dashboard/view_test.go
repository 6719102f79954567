package dashboard

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tribune/tribune/moderation/moderationtest"
)

// A score past the reject threshold shows as "hold" while auto-reject is off, because that is
// what the policy does with it: the dashboard asks the policy, it does not compare thresholds.
func TestToneLevelFollowsThePolicy(t *testing.T) {
	ctx := context.Background()
	f := newDashFixture(t)
	id := f.PostComment("tram", "u3", "You idiot, you idiot").ID
	c, err := f.Svc.Comment(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	p := moderationtest.Policy()
	if c.Assessment.Scores.Tone["insult"] < p.Reject["insult"] {
		t.Fatalf("insult %v is below the reject threshold %v: the test needs a higher score", c.Assessment.Scores.Tone["insult"], p.Reject["insult"])
	}
	path := "/comments/" + strconv.FormatInt(id, 10)
	for _, autoReject := range []bool{false, true} {
		p.AutoReject = autoReject
		if err := f.Svc.SetPolicy(ctx, p); err != nil {
			t.Fatal(err)
		}
		body := f.Page(http.MethodGet, path, f.Admin, nil).Body.String()
		rejects := strings.Contains(body, "level-reject")
		if rejects != autoReject || !strings.Contains(body, "level-") {
			t.Errorf("auto-reject %t: page shows level-reject = %t, want %t", autoReject, rejects, autoReject)
		}
	}
}

func TestWholeSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Hour: "1 hour", 6 * time.Hour: "6 hours", 24 * time.Hour: "1 day",
		72 * time.Hour: "3 days", 36 * time.Hour: "36 hours", 30 * time.Minute: "30m0s"} {
		if got := wholeSpan(d); got != want {
			t.Errorf("wholeSpan(%v) = %q, want %q", d, got, want)
		}
	}
}
