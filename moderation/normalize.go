package moderation

import "github.com/tribune/tribune/classifier/textnorm"

// NormalizeWords splits text into folded words for the policy's word lists: runs of letters,
// digits and marks, everything else a separator. It folds exactly as the classifier's
// tokenizer does (textnorm): lower-cased, accents and invisible characters (zero-width spaces,
// soft hyphens, joiners) removed, compatibility forms (fullwidth, ligatures) made plain,
// lookalike letters from other scripts inside Latin words replaced, leetspeak ("id10t") and
// spaced-out spelling ("i d i o t") undone. Invalid UTF-8 bytes are separators.
func NormalizeWords(text string) []string {
	var t textnorm.Text
	t.Fold(text)
	ws := t.AppendWords(nil)
	if len(ws) == 0 {
		return nil
	}
	words := make([]string, len(ws))
	for i, w := range ws {
		words[i] = w.Text
	}
	return words
}
