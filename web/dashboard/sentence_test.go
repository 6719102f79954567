package dashboard

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
)

func TestDecidingSentence(t *testing.T) {
	text := "Thanks for the report. You are an idiot!\nSee you at the meeting."
	at := strings.Index(text, "idiot")
	cs := []moderation.Contribution{
		{Feature: "word:idiot", Weight: 2, Start: at, End: at + 5},
		{Feature: "word:thanks", Weight: 0.4, Start: 0, End: 6},
		{Feature: "word:meeting", Weight: -3, Start: strings.Index(text, "meeting"), End: strings.Index(text, "meeting") + 7},
	}
	tests := []struct {
		name, text string
		cs         []moderation.Contribution
		want       string
	}{
		{"the sentence with the weight", text, cs, "You are an idiot!"},
		{"one sentence: nothing to point at", "You are an idiot", cs[:1], ""},
		{"no positive weight", text, cs[2:], ""},
		{"offsets outside the text are ignored", text, []moderation.Contribution{{Weight: 5, Start: 50, End: 900}}, ""},
		{"a long sentence is cut on a rune boundary", "Fine. " + strings.Repeat("é", 200) + ".",
			[]moderation.Contribution{{Weight: 1, Start: 6, End: 8}}, strings.Repeat("é", 120) + "…"},
	}
	for _, tt := range tests {
		if got := decidingSentence(tt.text, tt.cs); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A held comment padded with civil sentences shows, beside the score that held it, the
// sentence that carried the weight.
func TestDecidingSentenceOnPage(t *testing.T) {
	f := newDashFixture(t)
	id := f.PostComment("tram", "u3", "Thank you for the careful article. You idiot, you idiot. Have a nice day.").ID
	body := f.Page(http.MethodGet, "/comments/"+strconv.FormatInt(id, 10), f.Alice, nil).Body.String()
	has(t, "comment page", body, `<span class="sent">in “You idiot, you idiot.”</span>`)
}
