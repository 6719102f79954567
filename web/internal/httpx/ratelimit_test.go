package httpx

import (
	"testing"
	"time"
)

func TestKeyLimiterRefills(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	l := newKeyLimiter(func() time.Time { return now })
	for range 10 {
		if ok, _ := l.take(1, 60, 1); !ok {
			t.Fatal("burst refused")
		}
	}
	if ok, wait := l.take(1, 60, 1); ok || wait != time.Second {
		t.Errorf("over the burst: ok %v wait %v, want false 1s", ok, wait)
	}
	now = now.Add(time.Second)
	if ok, _ := l.take(1, 60, 1); !ok {
		t.Error("after a second: refused, want one token")
	}
	if ok, _ := l.take(2, 0, 1); !ok {
		t.Error("rate 0 (unlimited) refused")
	}
	// Large requests spend more: a 5 KiB request costs 6 of the burst of 10.
	now = now.Add(time.Minute)
	if ok, _ := l.take(1, 60, requestCost(5<<10, 64<<10)); !ok {
		t.Fatal("first large request refused")
	}
	if ok, wait := l.take(1, 60, requestCost(5<<10, 64<<10)); ok || wait != 2*time.Second {
		t.Errorf("second large request: ok %v wait %v, want refused for 2s", ok, wait)
	}
	if got := requestCost(-1, 64<<10); got != 65 {
		t.Errorf("cost of a chunked body = %v, want 65", got)
	}
}
