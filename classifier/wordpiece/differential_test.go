package wordpiece

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tribune/tribune/internal/shareddata"
)

// readDataTexts returns the text of every row of every train.jsonl and
// dev.jsonl under the shared data folder, or skips the test when the folder is absent (and
// fails in CI).
func readDataTexts(t testing.TB) []string {
	t.Helper()
	dataDir := shareddata.Path(t, "data")
	var files []string
	for _, name := range []string{"train.jsonl", "dev.jsonl"} {
		m, err := filepath.Glob(filepath.Join(dataDir, "*", name))
		if err != nil {
			t.Fatalf("glob: %v", err)
		}
		files = append(files, m...)
	}
	slices.Sort(files)
	var texts []string
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatalf("open data: %v", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			var row struct {
				Text string `json:"text"`
			}
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
				f.Close()
				t.Fatalf("%s: decode row: %v", path, err)
			}
			texts = append(texts, row.Text)
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			t.Fatalf("%s: read: %v", path, err)
		}
	}
	return texts
}

// offsetsReliable reports whether the library's offsets for s can be
// trusted: s is ASCII without deleted control characters. The library's
// offsets are wrong after CJK characters (it counts the spaces it inserts
// around them), after deleted multi-byte characters, and even for "\x00ab"
// (it reports [1,2) for "ab").
func offsetsReliable(s string) bool {
	for i := range len(s) {
		if c := s[i]; c >= 0x80 || asciiClass[c] == cDrop {
			return false
		}
	}
	return true
}

// TestDifferentialLibrary compares our token ids with the library's full
// pipeline on every data set row the library handles correctly (see
// libraryClean), and their offsets where the library's are reliable (see
// offsetsReliable).
func TestDifferentialLibrary(t *testing.T) {
	tok, lib := load(t)
	texts := readDataTexts(t)
	step := 1
	if testing.Short() || raceEnabled {
		// The library needs about 2 ms a comment (20 under the race
		// detector); a 1-in-20 sample keeps these runs short.
		step = 20
	}
	var compared, skipped, mismatches atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			var enc Encoding
			for i := w * step; i < len(texts); i += workers * step {
				text := texts[i]
				if !libraryClean(text) {
					skipped.Add(1)
					continue
				}
				wantIDs, wantOffs, ok := libraryEncode(lib, text)
				if !ok {
					mu.Lock()
					t.Errorf("library failed on clean row %d", i)
					mu.Unlock()
					continue
				}
				tok.Encode(text, &enc)
				compared.Add(1)
				gotIDs := make([]int, len(enc.Tokens))
				gotOffs := make([][]int, len(enc.Tokens))
				for k, tk := range enc.Tokens {
					gotIDs[k] = int(tk.ID)
					gotOffs[k] = []int{int(tk.Start), int(tk.End)}
				}
				bad := !slices.Equal(gotIDs, wantIDs)
				if !bad && offsetsReliable(text) {
					bad = !slices.EqualFunc(gotOffs, wantOffs, slices.Equal)
				}
				if bad && mismatches.Add(1) <= 10 {
					// Report the row number only: data set text must not
					// end up in logs that get pasted into commits.
					mu.Lock()
					t.Errorf("row %d: ids/offsets differ from the library\n got ids %v offs %v\nwant ids %v offs %v", i, gotIDs, gotOffs, wantIDs, wantOffs)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	t.Logf("rows %d (step %d): compared %d, skipped %d not clean, mismatches %d",
		len(texts), step, compared.Load(), skipped.Load(), mismatches.Load())
	if compared.Load() == 0 {
		t.Fatal("no rows compared")
	}
}
