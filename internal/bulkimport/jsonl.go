package bulkimport

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tribune/tribune/moderation"
)

// importLine is one JSON Lines row of an import. IDs may be strings or numbers.
type importLine struct {
	ArticleID json.RawMessage `json:"article_id"`
	Text      string          `json:"text"`
	Author    struct {
		ID   json.RawMessage `json:"id"`
		Name string          `json:"name"`
	} `json:"author"`
	ExternalID   json.RawMessage `json:"external_id"`
	ParentID     json.RawMessage `json:"parent_id"`
	CreatedAt    string          `json:"created_at"`
	ArticleTitle string          `json:"article_title"`
	ArticleURL   string          `json:"article_url"`
}

// jsonlRows returns a reader of JSON Lines rows; a malformed line is an *InputError naming it.
func jsonlRows(br *bufio.Reader) func() (moderation.ImportRow, error) {
	line := 0
	return func() (moderation.ImportRow, error) {
		for {
			b, err := br.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				// Skip the rest of the line without buffering it, report it, and go on: one bad
				// row must not make the rows after it impossible to import.
				line++
				if err := discardLine(br); err != nil && !errors.Is(err, io.EOF) {
					return moderation.ImportRow{}, err
				}
				return moderation.ImportRow{}, &moderation.InputError{Field: fmt.Sprintf("line %d", line),
					Reason: fmt.Sprintf("longer than %d bytes", br.Size())}
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return moderation.ImportRow{}, err
			}
			if len(b) == 0 && err != nil {
				return moderation.ImportRow{}, io.EOF
			}
			line++
			if b = bytes.TrimSpace(b); len(b) == 0 {
				continue
			}
			row, perr := parseImportLine(b)
			if perr != nil {
				return row, &moderation.InputError{Field: fmt.Sprintf("line %d", line), Reason: perr.Error()}
			}
			return row, nil
		}
	}
}

// discardLine reads up to and including the next newline, keeping nothing.
func discardLine(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// The API's rules for text: encoding/json would turn invalid UTF-8 and lone surrogate
// escapes (\ud800) into U+FFFD silently, storing what the API refuses.
var replacementChar = []byte("\uFFFD")

func parseImportLine(b []byte) (moderation.ImportRow, error) {
	if !utf8.Valid(b) {
		return moderation.ImportRow{}, errors.New("not valid UTF-8")
	}
	var l importLine
	if err := json.Unmarshal(b, &l); err != nil {
		return moderation.ImportRow{}, fmt.Errorf("invalid JSON: %v", err)
	}
	if !bytes.Contains(b, replacementChar) && !bytes.Contains(bytes.ToLower(b), []byte(`\ufffd`)) &&
		strings.ContainsRune(l.Text+l.Author.Name+rawID(l.ArticleID)+l.ArticleTitle+l.ArticleURL, utf8.RuneError) {
		return moderation.ImportRow{}, errors.New("a \\u escape is a lone UTF-16 surrogate, not a character")
	}
	row := moderation.ImportRow{
		Comment: moderation.Comment{ArticleID: rawID(l.ArticleID), Text: l.Text,
			Author: moderation.Author{ID: rawID(l.Author.ID), Name: l.Author.Name}, ExternalID: rawID(l.ExternalID)},
		ParentExternalID: rawID(l.ParentID), ArticleTitle: l.ArticleTitle, ArticleURL: l.ArticleURL,
	}
	if l.CreatedAt != "" {
		t, err := time.Parse(time.RFC3339, l.CreatedAt)
		if err != nil {
			return row, fmt.Errorf("created_at %q is not an RFC 3339 time", l.CreatedAt)
		}
		row.Comment.CreatedAt = t
	}
	return row, nil
}

// rawID reads an ID given as a JSON string or number ("" for null or absent).
func rawID(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw) // a number, as written
}
