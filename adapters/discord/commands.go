package discord

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// commandName is the one slash command; its subcommands are the /pyq words everywhere else.
const commandName = "pyq"

func str(name, desc string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc, Required: required}
}

func choices(names ...string) []*discordgo.ApplicationCommandOptionChoice {
	out := make([]*discordgo.ApplicationCommandOptionChoice, len(names))
	for i, n := range names {
		out[i] = &discordgo.ApplicationCommandOptionChoice{Name: n, Value: n}
	}
	return out
}

func sub(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: desc, Options: opts}
}

// slashCommand is /pyq with its subcommands. Options are listed in the order their values are
// joined back into the command text, e.g. practice topic difficulty -> "practice closures senior".
func slashCommand() *discordgo.ApplicationCommand {
	period := str("period", "Which period (default: this week)", false)
	period.Choices = choices("week", "month", "all")
	topic := str("topic", "Only this topic", false)
	topic.Autocomplete = true
	difficulty := str("difficulty", "Only this difficulty", false)
	difficulty.Choices = choices("warmup", "intermediate", "senior")
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	return &discordgo.ApplicationCommand{
		Name:        commandName,
		Description: "Daily practical-Python drill",
		Contexts:    &guildOnly,
		Options: []*discordgo.ApplicationCommandOption{
			sub("today", "Post today's question in this channel, or point to the open one"),
			sub("answer", "Answer the open question (or press its buttons)",
				str("question", "Which question, e.g. #12 (default: the open one)", false),
				str("choice", "B; for review questions A,C; for design questions your reasoning", true)),
			sub("reveal", "Close the open question now and reveal it in its thread (admins)",
				str("question", "Which question, e.g. #12 (default: all open ones)", false)),
			sub("leaderboard", "The team's ranking", period),
			sub("me", "Your points, streak, accuracy by topic and weakest topic"),
			sub("practice", "A private question with instant feedback; not on the leaderboard", topic, difficulty),
			sub("topics", "The topics and how many questions each has"),
			sub("help", "The commands, the scoring rules, or one command",
				str("about", "scoring, or a command name", false)),
			sub("schedule", "This channel's jobs; admins change them (try: help)",
				str("args", "e.g. set question \"0 9 * * 1-5\", off debug, zone Europe/Berlin, skip 2026-12-24", false)),
		},
	}
}

// commandText turns a /pyq invocation back into the words typed everywhere else.
func commandText(d discordgo.ApplicationCommandInteractionData) string {
	if len(d.Options) == 0 {
		return ""
	}
	s := d.Options[0]
	words := []string{s.Name}
	// Values in the order the command declares its options, whatever order Discord sends them in.
	var declared []*discordgo.ApplicationCommandOption
	for _, o := range slashCommand().Options {
		if o.Name == s.Name {
			declared = o.Options
		}
	}
	for _, o := range declared {
		if v := s.GetOption(o.Name); v != nil {
			if w := strings.TrimSpace(fmt.Sprint(v.Value)); w != "" && v.Value != nil {
				words = append(words, w)
			}
		}
	}
	return strings.Join(words, " ")
}

// maxAutocomplete is how many suggestions Discord shows.
const maxAutocomplete = 25

// autocomplete suggests topics for /pyq practice topic:, matching what has been typed anywhere in
// the name.
func (a *Adapter) autocomplete(d discordgo.ApplicationCommandInteractionData) *discordgo.InteractionResponse {
	typed := ""
	if len(d.Options) > 0 {
		for _, o := range d.Options[0].Options {
			if o.Focused {
				typed = strings.ToLower(strings.TrimSpace(fmt.Sprint(o.Value)))
			}
		}
	}
	out := []*discordgo.ApplicationCommandOptionChoice{}
	for _, t := range a.topics {
		if len(out) == maxAutocomplete {
			break
		}
		if strings.Contains(strings.ToLower(t), typed) {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: t, Value: t})
		}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: out}}
}

// registerCommands bulk-overwrites /pyq: in each configured guild (shown at once), else globally
// (Discord takes up to an hour to show it everywhere).
func (a *Adapter) registerCommands(ctx context.Context) error {
	cmds := []*discordgo.ApplicationCommand{slashCommand()}
	guilds := a.cfg.Guilds
	if len(guilds) == 0 {
		guilds = []string{""}
	}
	for _, g := range guilds {
		err := a.call(ctx, "register commands", func(opts ...discordgo.RequestOption) error {
			_, err := a.s.ApplicationCommandBulkOverwrite(a.cfg.AppID, g, cmds, opts...)
			return err
		})
		if err != nil && ctx.Err() != nil {
			return nil // shutting down
		}
		if err != nil {
			where := "globally"
			if g != "" {
				where = "in guild " + g
			}
			return fmt.Errorf("discord: registering /pyq %s failed: %w (check [discord] token and app_id, and that the bot was invited with the applications.commands scope)", where, err)
		}
		if g == "" {
			a.log.Info("discord: /pyq registered globally (Discord may take a while to show it)")
		} else {
			a.log.Info("discord: /pyq registered", "guild", g)
		}
	}
	return nil
}

// InviteURL is the OAuth2 link that adds the bot to a server with exactly the permissions it uses.
func InviteURL(appID string) string {
	return fmt.Sprintf("https://discord.com/oauth2/authorize?client_id=%s&permissions=%d&scope=bot+applications.commands", appID, invitePermissions)
}

// invitePermissions: read the channel and its history (to disable a closed question's buttons),
// post embeds, start a thread from a question and post hints and reveals in it.
const invitePermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads | discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory
