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

// render turns a post into a Discord message.
func render(p bot.Post) message {
	if p.Title == "" && p.Code == "" && p.Answer == nil && p.Table == nil && p.Footer == "" {
		return message{Content: truncate(p.Text, maxContent)}
	}
	e := &discordgo.MessageEmbed{Title: truncate(p.Title, maxTitle), Color: colorInfo}
	var d strings.Builder
	d.WriteString(p.Text)
	if p.Code != "" {
		para(&d)
		d.WriteString("```py\n" + p.Code + "\n```")
	}
	if f := p.Answer; f != nil {
		e.Color = colorOpen
		if len(f.Choices) > 0 {
			para(&d)
			for i, c := range f.Choices {
				if i > 0 {
					d.WriteString("\n")
				}
				if strings.Contains(c.Text, "\n") {
					d.WriteString("**" + c.Key + ".**\n```\n" + strings.TrimRight(c.Text, "\n") + "\n```")
				} else {
					d.WriteString("**" + c.Key + ".** " + c.Text)
				}
			}
		}
	}
	if p.Closed {
		e.Color = colorClosed
		if e.Title != "" {
			e.Title = truncate(p.Title+" [closed]", maxTitle)
		}
	}
	if p.Table != nil {
		para(&d)
		d.WriteString("```\n" + bot.TableText(p.Table) + "```")
	}
	e.Description = truncateMarkdown(d.String(), maxDescription)
	if p.Footer != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: truncate(p.Footer, maxFooter)}
	}
	return message{Embeds: []*discordgo.MessageEmbed{e}, Components: components(p.Answer, p.Closed)}
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
	const tail = "…\n```"
	cut := truncate(s, n-len(tail))
	if strings.Count(cut, "```")%2 == 1 {
		return strings.TrimSuffix(cut, "…") + tail
	}
	return cut
}
