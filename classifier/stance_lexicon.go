package classifier

import "strings"

// Stance cue categories of a word, a bit set. The lists are written by us. They name words that
// carry a reader's evaluation of what an article reports (a decision, a finding, an event), the
// hedges and questions of a reader who takes no side, and the words of a neutral report. Which
// way and how much each category counts is learned; the categories let rare words share what
// the common ones teach.
const (
	cuePositive uint16 = 1 << iota // approval: good, right, welcome, overdue, finally
	cueNegative                    // disapproval: wrong, waste, mistake, flawed, absurd
	cueHedge                       // uncertainty: maybe, perhaps, unclear, depends
	cueAsk                         // words that open a question: why, how, does, anyone
	cueInfo                        // requests for information: source, details, link, clarify
	cueReport                      // neutral report: according, reported, announced, officials
	cueAgree                       // explicit agreement: agree, support, endorse
	cueFirst                       // the reader speaks for themselves: i, my, we, our
	cueDisagree                    // explicit disagreement: disagree, oppose, reject
)

var cueNames = [...]string{"positive", "negative", "hedge", "ask", "info", "report", "agree", "first", "disagree"}

var stanceCues = func() map[string]uint16 {
	lists := []struct {
		cat   uint16
		words string
	}{
		{cuePositive, `good great excellent right correct sensible smart wise welcome welcomed welcoming
			overdue finally brilliant sound fair reasonable exactly true indeed absolutely definitely
			benefit benefits beneficial better best improve improves improved improvement helpful
			effective success successful works safer useful valuable necessary needed essential positive
			pleased glad happy thank thanks congratulations bravo kudos proud praise applaud justified
			worth wonderful fantastic impressive progress solves fixes protects helps bravely courageous
			commendable admirable encouraging promising smarter fairer cheaper healthier stronger love
			loved like liked appreciate appreciated grateful hooray yes yay excellent superb perfect
			agreeable convincing compelling valid legitimate deserved earned responsible win wins`},
		{cueNegative, `bad wrong wrongly terrible awful horrible poor waste wasteful wasted mistake mistaken
			misguided absurd ridiculous nonsense fail fails failed failure failing flawed unfair unjust
			dangerous harmful harm harms worse worst problem problems disaster disastrous useless
			pointless false lie lies lied untrue shameful shame disgrace disgraceful disappointed
			disappointing disappointment ineffective unnecessary overpriced scam fraud propaganda
			doubt doubtful skeptical sceptical hurts damage damaging ruin ruins ruined risky corrupt
			incompetent naive unrealistic overblown exaggerated misleading myth hypocrisy hypocritical
			backwards regressive reckless irresponsible outrageous unacceptable insane crazy silly
			nonsensical bogus baloney hate hated dislike wrongheaded costly expensive bloated
			shortsighted flop fiasco sham farce joke laughable weak lousy sad unfortunately sadly
			regrettable alarming worrying troubling cynical illegal unconstitutional invalid ban banned
			banning bans abolish abolished abolishing prohibit prohibited prohibiting outlaw outlawed
			scrap scrapped restrict restricted restricting forbid forbidden forbidding stop unsafe
			unhealthy unfair dishonest immoral unethical complacent complacency freeloading freeloader
			freeloaders freeload pretend pretended pretending pretends toothless inaction hollow
			excuses empty broken neglect neglected`},
		{cueHedge, `maybe perhaps possibly probably might unclear unsure uncertain depends depend wonder
			wondering curious seems seem apparently hmm whether if unless suppose supposedly presumably
			likely unlikely somewhat partly partially mixed complicated complex nuanced`},
		{cueAsk, `why how what when where who which whom whose anyone anybody does did do is are was
			were can could will would should has have`},
		{cueInfo, `source sources link links details detail explain explanation clarify clarification
			info information data figures numbers evidence cite citation confirm confirmed confirmation
			update updates timeline schedule cost costs breakdown statistics study studies`},
		{cueReport, `according reported reports reporting reporter reporters announced announces
			announcement statement officials official spokesperson spokesman spokeswoman minister
			ministry council committee press conference released published today yesterday tomorrow
			meanwhile separately plans planned scheduled expected estimated estimates`},
		{cueAgree, `agree agrees agreed agreeing support supports supported supporting endorse endorses
			favor favour favors favours concur applaud`},
		{cueDisagree, `disagree disagrees disagreed oppose opposes opposed opposing reject rejects
			rejected object objects against`},
		{cueFirst, `i me my mine we us our ours myself ourselves`},
	}
	m := map[string]uint16{}
	for _, l := range lists {
		for _, w := range strings.Fields(l.words) {
			m[w] |= l.cat
		}
	}
	return m
}()

// toneOnly reports whether a normalized word belongs to a lexicon category of tone alone:
// swearing, insults, slurs and dehumanising words. The stance head leaves them out, so that an
// insult is read as neither agreement nor disagreement (Tribune's "tone is not stance"). It reads
// lexicon version 1, which stance components are trained with whatever the tone heads use.
func toneOnly(w string) bool {
	return lexTables[1].category(w)&(lexProfane|lexInsult|lexSlur|lexDehuman) != 0
}
