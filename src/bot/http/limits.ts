// The edge's limits, each with its reason. One home: the server, the body reader, the parser and
// docs/security.md all take their numbers from here.

/**
 * Largest request body read. Slash commands are a few hundred bytes; the largest thing Slack sends us is a
 * block_actions payload, which carries the whole clicked message. Our live messages keep their blocks
 * JSON under 12,000 characters (render/blocks.ts) and their text under 300; form-encoding a JSON payload
 * triples punctuation and turns each 3-byte character into 9, so even a message of nothing but such
 * characters stays near 110 KB. 256 KiB leaves more than twice that; Bolt's default is 4 MiB.
 */
export const MAX_BODY_BYTES = 256 * 1024;

/** Slack gives up on an answer after 3 s; a client still sending headers after 10 s is not Slack. */
export const HEADERS_TIMEOUT_MS = 10_000;

/** Headers plus body; a body of MAX_BODY_BYTES arrives in milliseconds from Slack. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** Idle keep-alive connections are closed after this (Node's default, stated). */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/**
 * Open connections at once. Slack sends a few requests a second at most; probes add a handful. Beyond the
 * cap new connections are closed at once, which keeps file descriptors and memory bounded under a flood.
 */
export const MAX_CONNECTIONS = 256;

/** Header lines per request (Node allows 2,000); Slack sends about fifteen. */
export const MAX_HEADERS_COUNT = 100;

/** Header bytes per request (Node's default, stated): larger gets 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** `/migrate` text longer than this is refused before it is split into words (a rollback reason fits). */
export const MAX_COMMAND_TEXT = 2_000;

/** A word of a command (environment, cluster, subcommand): names are DNS labels, 63 characters at most. */
export const MAX_TOKEN_LENGTH = 63;
