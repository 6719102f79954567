package main

import (
	"fmt"
	"maps"
	"slices"

	"github.com/tribune/tribune/classifier"
)

// inDomainSet is an evaluate-only stance set that -in-domain adds to the training rows: its train
// split, mapped to stance classes as evaluate maps its dev split. The model trained so is a
// measurement of the method on that set's own kind of comments (the issue's "trained as the data
// licences allow"); it is never written, so no model derived from these sets leaves the machine.
type inDomainSet struct {
	folder  string
	mapping map[string]string
}

// inDomainSets are the sets -in-domain accepts, by name.
var inDomainSets = map[string]inDomainSet{
	"semeval2016": {"semeval2016_task6_stance",
		map[string]string{"favor": "agree", "against": "disagree", "none": "discuss"}},
	"rumoureval2017": {"rumoureval2017_reply_stance",
		map[string]string{"support": "agree", "deny": "disagree", "query": "discuss", "comment": "discuss"}},
}

// inDomainNames lists the accepted -in-domain names, sorted.
func inDomainNames() []string { return slices.Sorted(maps.Keys(inDomainSets)) }

// inDomainRows returns the train split of the named set as training rows: each row as mapped,
// and each row once more against another context of the set as unrelated (the same re-pairing
// the default rows get for perspectrum and IBM, so relatedness sees this set's contexts too).
func inDomainRows(data, name string) ([]classifier.Example, error) {
	set, ok := inDomainSets[name]
	if !ok {
		return nil, fmt.Errorf("-in-domain: unknown set %q (one of %v)", name, inDomainNames())
	}
	rows, err := read(data, set.folder, "train")
	if err != nil {
		return nil, err
	}
	contexts := contextsOf(rows)
	var out []classifier.Example
	for i, r := range rows {
		l, ok := set.mapping[r.Label]
		if !ok {
			return nil, fmt.Errorf("%s: unknown label %q", set.folder, r.Label)
		}
		if r.Context == "" {
			return nil, fmt.Errorf("%s: train row %d has no context", set.folder, i+1)
		}
		out = append(out, classifier.Example{Text: r.Text, Context: r.Context, Label: l, Source: name})
		if other := otherContext(contexts, i); other != r.Context {
			out = append(out, classifier.Example{Text: r.Text, Context: other, Label: "unrelated",
				Source: name + "/re-paired"})
		}
	}
	return out, nil
}
