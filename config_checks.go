package main

import (
	"errors"
	"fmt"
	"net"

	"github.com/pyqbot/pyqbot/bot"
)

// This file checks the config values the process itself uses at start-up, so that a bad one stops
// it before anything is shown, naming the key: before, a blank [console] user started a session in
// which every command was refused, and a bad [http] listen was found after the terminal's banner.

// checkConsoleUser refuses a [console] user (or PYQBOT_CONSOLE_USER) the engine would refuse as the
// sender of every command: blank, or not plain text. Empty means unset (--user, $USER, "you").
func (c *Config) checkConsoleUser() error {
	if u := c.Console.User; u != "" && !bot.UsableUserID(u) {
		return fmt.Errorf("%s cannot name a player: %s", c.whereValue("[console] user", u), consoleUserHelp)
	}
	return nil
}

const consoleUserHelp = "use a plain name such as \"ada\" (not blank, no control characters), or leave it out to be $USER"

// checkListen refuses an [http] listen that is not host:port. The value is not quoted back: a value
// that is not an address may be a secret set in the wrong place.
func (c *Config) checkListen() error {
	if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
		return fmt.Errorf("%s is not a host:port address: use e.g. \"127.0.0.1:8080\" or \":8080\"", c.where("[http] listen"))
	}
	return nil
}

// listenHTTP binds [http] listen, before anything is served or shown, so a busy port stops the
// start with the key to change instead of ending a session that had already begun.
func (c *Config) listenHTTP() (net.Listener, error) {
	ln, err := net.Listen("tcp", c.HTTP.Listen)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) {
			err = op.Err // "bind: address already in use", without the address said twice
		}
		return nil, fmt.Errorf("%s: cannot listen on %s: %w (stop what uses it or change the address)", c.where("[http] listen"), c.HTTP.Listen, err)
	}
	return ln, nil
}
