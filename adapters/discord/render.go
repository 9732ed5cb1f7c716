package discord

import (
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/bot"
)

// message is a post as Discord shows it: plain content for a bare line of text, else one embed,
// plus the components that answer a question.
type message struct {
	Content    string                       `json:"content,omitempty"`
	Embeds     []*discordgo.MessageEmbed    `json:"embeds,omitempty"`
	Components []discordgo.MessageComponent `json:"components,omitempty"`
}

// Discord's limits (discord-api-docs, resources/message#embed-object-embed-limits).
const (
	maxContent     = 2000
	maxTitle       = 256
	maxDescription = 4096
	maxFooter      = 2048
)

// Embed colours: open questions stand out, closed ones and everything else are quieter.
const (
	colorOpen   = 0x3776AB // Python blue
	colorClosed = 0x99AAB5
	colorInfo   = 0xFFD43B // Python yellow
)

// noMentions is sent with every message: user text (answers, names) must never ping anyone.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// render turns a post into one Discord message, for what must be one: an interaction reply, an
// edit. A question always fits (see questionMessage); anything else too long is cut, marked "…".
func render(p bot.Post) message {
	p = literalUserText(p)
	if plain(p) {
		return message{Content: truncate(p.Text, maxContent)}
	}
	if p.Answer != nil {
		return questionMessage(p)
	}
	e := &discordgo.MessageEmbed{Title: title(p), Color: color(p), Description: truncateMarkdown(body(p), maxDescription)}
	if p.Footer != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: truncate(p.Footer, maxFooter)}
	}
	return message{Embeds: []*discordgo.MessageEmbed{e}, Components: postComponents(p)}
}

// renderAll turns a post into the messages Send posts: one, or for a post too big for one message
// (a reveal with forty long design answers) several, each within Discord's limits, with nothing
// cut. The first carries the title, the last the footer.
func renderAll(p bot.Post) []message {
	p = literalUserText(p)
	switch {
	case plain(p):
		var out []message
		for _, c := range splitMarkdown(p.Text, maxContent) {
			out = append(out, message{Content: c})
		}
		if len(out) == 0 {
			out = append(out, message{Content: p.Text})
		}
		return out
	case p.Answer != nil:
		return []message{questionMessage(p)}
	}
	var embeds []*discordgo.MessageEmbed
	for _, c := range splitMarkdown(body(p), chunkSize) {
		embeds = append(embeds, &discordgo.MessageEmbed{Color: color(p), Description: c})
	}
	if len(embeds) == 0 {
		embeds = append(embeds, &discordgo.MessageEmbed{Color: color(p)})
	}
	embeds[0].Title = title(p)
	if p.Footer != "" {
		embeds[len(embeds)-1].Footer = &discordgo.MessageEmbedFooter{Text: truncate(p.Footer, maxFooter)}
	}
	// Pack the embeds into messages while the message stays under the 6000 characters Discord
	// allows all its embeds together.
	var out []message
	var cur message
	size := 0
	for _, e := range embeds {
		n := embedSize(e)
		if len(cur.Embeds) > 0 && (size+n > maxMessageEmbeds || len(cur.Embeds) == maxEmbedsPerMessage) {
			out = append(out, cur)
			cur, size = message{}, 0
		}
		cur.Embeds = append(cur.Embeds, e)
		size += n
	}
	// The vote control goes with the last part, after every explanation it numbers.
	cur.Components = postComponents(p)
	return append(out, cur)
}

// postComponents are the controls of a post that is not a question: a vote, a rubric checklist.
func postComponents(p bot.Post) []discordgo.MessageComponent {
	c := append(voteComponents(p.Vote, p.Closed), rubricComponents(p.Rubric)...)
	if len(c) == 0 || len(c) > maxRows {
		return nil
	}
	return c
}

// chunkSize is how much text one embed of a split post holds: a whole design answer (3000
// characters and the name) fits in one, and a title and footer still fit beside it.
const chunkSize = 3500

// Limits on a whole message.
const (
	maxMessageEmbeds    = 6000 // all embeds of one message together
	maxEmbedsPerMessage = 10
)

func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

// plain is a bare line of text: it goes out as content, not an embed.
func plain(p bot.Post) bool {
	return p.Title == "" && p.Code == "" && p.Answer == nil && p.Vote == nil && p.Rubric == nil && p.Table == nil && p.Footer == ""
}

// title is the embed title: plain text, so Markdown in it is escaped.
func title(p bot.Post) string {
	t := escapeMarkdown(p.Title)
	if p.Closed && t != "" {
		t += " [closed]"
	}
	return truncate(t, maxTitle)
}

func color(p bot.Post) int {
	switch {
	case p.Closed:
		return colorClosed
	case p.Answer != nil:
		return colorOpen
	}
	return colorInfo
}

// body is the post's text, code and table, as Markdown.
func body(p bot.Post) string {
	var d strings.Builder
	d.WriteString(p.Text)
	if p.Code != "" {
		para(&d)
		d.WriteString("```py\n" + p.Code + "\n```")
	}
	if p.Table != nil {
		para(&d)
		d.WriteString("```\n" + bot.TableText(p.Table) + "```")
	}
	return d.String()
}

// choicesText lists a question's choices in full: a one-line choice as escaped text (it is not
// Markdown), a multi-line one as a code block.
func choicesText(f *bot.AnswerForm) string {
	var d strings.Builder
	for i, c := range f.Choices {
		if i > 0 {
			d.WriteString("\n")
		}
		if strings.Contains(c.Text, "\n") {
			d.WriteString("**" + c.Key + ".**\n```\n" + strings.TrimRight(c.Text, "\n") + "\n```")
		} else {
			d.WriteString("**" + c.Key + ".** " + escapeMarkdown(c.Text))
		}
	}
	return d.String()
}

// questionMessage lays a question out in one message (so closing it is one edit) with every
// choice readable. Small questions are one embed. When prompt, code and choices exceed one
// embed's 4096 characters, the choices get an embed of their own under the code; only if the
// whole would still pass the message's 6000 is the code cut (marked), never a choice.
func questionMessage(p bot.Post) message {
	e := &discordgo.MessageEmbed{Title: title(p), Color: color(p)}
	var footer *discordgo.MessageEmbedFooter
	if p.Footer != "" {
		footer = &discordgo.MessageEmbedFooter{Text: truncate(p.Footer, maxFooter)}
	}
	desc, choices := body(p), ""
	if len(p.Answer.Choices) > 0 {
		choices = choicesText(p.Answer)
	}
	m := message{Embeds: []*discordgo.MessageEmbed{e}, Components: components(p.Answer, p.Closed)}
	if why := reasonRow(p.Answer, p.Closed); why != nil && m.Components != nil && len(m.Components) < maxRows {
		m.Components = append(m.Components, why)
	}
	whole := desc
	if choices != "" {
		whole = strings.TrimLeft(desc+"\n\n"+choices, "\n")
	}
	e.Description, e.Footer = whole, footer
	if utf8.RuneCountInString(whole) <= maxDescription && embedSize(e) <= maxMessageEmbeds {
		return m
	}
	if choices == "" {
		e.Description = truncateMarkdown(desc, min(maxDescription, maxMessageEmbeds-embedSize(&discordgo.MessageEmbed{Title: e.Title, Footer: footer})))
		return m
	}
	c := &discordgo.MessageEmbed{Color: e.Color, Description: truncateMarkdown(choices, maxDescription), Footer: footer}
	e.Footer = nil
	e.Description = ""
	room := maxMessageEmbeds - embedSize(e) - embedSize(c)
	e.Description = truncateMarkdown(desc, max(0, min(maxDescription, room)))
	m.Embeds = append(m.Embeds, c)
	return m
}

func para(b *strings.Builder) {
	if b.Len() > 0 {
		b.WriteString("\n\n")
	}
}

// truncate cuts s to n runes, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// truncateMarkdown is truncate that closes a code block it cut open.
func truncateMarkdown(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 8 {
		return truncate(s, max(n, 1))
	}
	const tail = "…\n```"
	cut := truncate(s, n-len(tail))
	if strings.Count(cut, "```")%2 == 1 {
		return strings.TrimSuffix(cut, "…") + tail
	}
	return cut
}

var _ bot.ProgressMarker = (*Adapter)(nil)

// ProgressMarks draws `/pyq me`'s grid with emoji squares, which Discord shows at one width.
func (a *Adapter) ProgressMarks() bot.Marks { return bot.EmojiMarks }
