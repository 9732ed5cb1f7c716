package bot

import (
	"context"
	"strings"
)

// Conversation is where something happens: a channel in a workspace on a platform. The values are the
// platform's own identifiers, opaque to the core.
type Conversation struct {
	Platform  string // adapter name: "slack", "discord", "console"
	Workspace string // Slack team id, Discord guild id
	Channel   string
}

// User is a person on a platform, identified by the platform's own id.
type User struct {
	ID   string
	Name string // display name; may change, the id does not
	// Provisional marks Name as a stand-in (a handle from the payload) while the adapter has not yet
	// learnt the display name: the store keeps a name it already has instead of overwriting it.
	Provisional bool
}

// MessageRef points at a message an adapter sent, so it can be edited or replied to in its thread.
// Its fields are the adapter's own identifiers; the core stores them and hands them back.
type MessageRef struct {
	Channel string
	ID      string
	Thread  string // thread identifier where the platform has a separate one (Discord); may be empty
}

// IsZero reports whether the reference points at nothing.
func (r MessageRef) IsZero() bool { return r.ID == "" }

// Event is a command from a user: a typed `/pyq …`, or a button press translated to the command it
// stands for.
type Event struct {
	Conv  Conversation
	User  User
	Admin bool   // the platform says this user may run admin commands here
	Text  string // the words after /pyq, e.g. "answer B"
	// ReplayKey names the signed request or delivery the event came in (Slack: X-Slack-Signature
	// over HTTP, the envelope_id in Socket Mode; Discord: X-Signature-Ed25519 over HTTP, the
	// interaction id over the gateway). A command that changes shared state claims it in the
	// database, so the same request re-sent is refused. Empty: nothing to claim (the terminal).
	ReplayKey string
}

// Reply is the direct answer to an Event. A zero Reply sends nothing.
type Reply struct {
	Private bool // visible only to the user who sent the event
	Post    Post
	// Failed is set when the command failed on pyqbot's side (logged where it was decided) and
	// did nothing: a store that refused the write, an internal error. A scripted session (the
	// console) ends non-zero after one.
	Failed bool
}

// Empty reports whether the reply has nothing to show.
func (r Reply) Empty() bool { return r.Post.Empty() }

// Handler answers events. The engine implements it; adapters call it.
type Handler interface {
	Handle(ctx context.Context, e Event) Reply
}

// Adapter connects the core to one chat platform.
type Adapter interface {
	// Name is the platform name used in Conversation.Platform.
	Name() string
	// Run receives events and passes them to h until ctx ends or the input closes.
	Run(ctx context.Context, h Handler) error
	// Send posts p in the conversation (in a thread when p.Thread is set) and returns where it went.
	Send(ctx context.Context, to Conversation, p Post) (MessageRef, error)
}

// Editor is an adapter that can change a message it sent, e.g. to mark a question closed.
type Editor interface {
	Edit(ctx context.Context, to Conversation, ref MessageRef, p Post) error
}

// Renamer stores a display name an adapter learnt after the event it came with (Slack's users.info,
// asked after the reply so that answering never waits for it). The engine implements it.
type Renamer interface {
	RenameUser(ctx context.Context, conv Conversation, u User) (bool, error)
}

var _ Renamer = (*Engine)(nil)

// RenameUser stores the user's display name; see Renamer. The name is cleaned as an event's is
// (cleanEvent): it reaches the same posts, and comes from the same people.
func (e *Engine) RenameUser(ctx context.Context, conv Conversation, u User) (bool, error) {
	u.Name = strings.TrimSpace(cleanName(u.Name))
	if u.ID == "" || u.Name == "" || u.Provisional {
		return false, nil
	}
	return e.store.RenameUser(ctx, conv, u)
}
