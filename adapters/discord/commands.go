package discord

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/bot"
)

// commandName is the one slash command; its subcommands are the /pyq words everywhere else.
const commandName = "pyq"

// options are a subcommand's arguments as Discord options: required ones first, as Discord demands
// (APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID otherwise); commandText puts the words back in the
// core's order by name.
func options(args []bot.ArgSpec) []*discordgo.ApplicationCommandOption {
	var req, opt []*discordgo.ApplicationCommandOption
	for _, a := range args {
		o := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: a.Name,
			Description: description(a.Help), Required: a.Required, Autocomplete: a.Topic}
		for _, c := range a.Values {
			o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: c, Value: c})
		}
		if a.Required {
			req = append(req, o)
		} else {
			opt = append(opt, o)
		}
	}
	return append(req, opt...)
}

// description fits a line of the core's help into Discord's 1–100 characters, capitalised as
// Discord's own descriptions are.
func description(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "-"
	}
	r := []rune(s)
	return truncate(strings.ToUpper(string(r[0]))+string(r[1:]), 100)
}

// slashCommand is /pyq with a subcommand for each word of the core's vocabulary (bot.Commands), for
// guilds only: installed to a server
// (integration_types [0]) and used in it (contexts [0]), never in DMs or where it is not installed.
func slashCommand() *discordgo.ApplicationCommand {
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	guildInstall := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	cmd := &discordgo.ApplicationCommand{
		Name:             commandName,
		Description:      "Daily practical-Python drill",
		Contexts:         &guildOnly,
		IntegrationTypes: &guildInstall,
	}
	for _, c := range bot.Commands() {
		cmd.Options = append(cmd.Options, &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand,
			Name: c.Name, Description: description(c.Summary), Options: options(c.Args)})
	}
	return cmd
}

// commandText turns a /pyq invocation back into the words typed everywhere else: the subcommand,
// then each argument's value in the core's order, whatever order Discord sends them in. A question
// field is read as a question (bot.RefWord): 12 typed there is #12, where the command's text would
// otherwise take it for the next argument (a report's first word, an answer's choice); a field
// that names no question is an error for the user, naming the field.
func commandText(d discordgo.ApplicationCommandInteractionData) (string, error) {
	if len(d.Options) == 0 {
		return "", nil
	}
	s := d.Options[0]
	words := []string{s.Name}
	for _, c := range bot.Commands() {
		if c.Name != s.Name {
			continue
		}
		for _, a := range c.Args {
			v := s.GetOption(a.Name)
			if v == nil || v.Value == nil {
				continue
			}
			w := strings.TrimSpace(fmt.Sprint(v.Value))
			if w == "" {
				continue
			}
			if a.Ref {
				ref, err := bot.RefWord(w)
				if err != nil {
					return "", fmt.Errorf("In `%s`: %w. Nothing was done.", a.Name, err)
				}
				w = ref
			}
			words = append(words, w)
		}
	}
	return strings.Join(words, " "), nil
}

// maxAutocomplete is how many suggestions Discord shows.
const maxAutocomplete = 25

// autocompleteResult is an autocomplete response. discordgo's InteractionResponseData drops an empty
// choices list (omitempty), and Discord requires the field: without it the user sees "Loading
// options failed" instead of "no match".
type autocompleteResult struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data struct {
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	} `json:"data"`
}

// autocomplete suggests topics for /pyq practice topic:, matching what has been typed anywhere in
// the name.
func (a *Adapter) autocomplete(d discordgo.ApplicationCommandInteractionData) autocompleteResult {
	typed := ""
	if len(d.Options) > 0 {
		for _, o := range d.Options[0].Options {
			if o.Focused {
				typed = strings.ToLower(strings.TrimSpace(fmt.Sprint(o.Value)))
			}
		}
	}
	r := autocompleteResult{Type: discordgo.InteractionApplicationCommandAutocompleteResult}
	r.Data.Choices = []*discordgo.ApplicationCommandOptionChoice{}
	for _, t := range a.topics {
		if len(r.Data.Choices) == maxAutocomplete {
			break
		}
		if strings.Contains(strings.ToLower(t), typed) {
			r.Data.Choices = append(r.Data.Choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(t, 100), Value: t})
		}
	}
	return r
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
			a.log.Info("discord /pyq registered globally (Discord may take a while to show it)")
		} else {
			a.log.Info("discord /pyq registered", "workspace", g)
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
