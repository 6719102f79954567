// Package dataset reads the labeled data sets of ../shared/data for the model-building
// commands under models/: each data set is a folder holding one JSON Lines file per split.
package dataset

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// maxLine is the longest line read: an ARC row carries its whole article as context.
const maxLine = 1 << 26

// Read decodes every line of the split ("train", "dev") of data set set in folder data into a
// T. An error names the set, the split and the line.
func Read[T any](data, set, split string) ([]T, error) {
	f, err := os.Open(filepath.Join(data, set, split+".jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), maxLine)
	for n := 1; sc.Scan(); n++ {
		var r T
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s/%s line %d: %w", set, split, n, err)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}
