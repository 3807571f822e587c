// The CLI's own errors: a mistake in how the command was called (UsageError, exit code 2), with a
// message that says what to do instead, and a refusal the command found itself before asking the
// network (CommandFailure, exit code 1, with a stable code). Everything else the SDK reports exits
// with 1.

export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The command cannot do what was asked, for a reason of the network's state rather than the
 * command line (the balance is short, the track is already owned): exit 1, and `code` in --json,
 * the same codes a discovery node answers for the same refusal.
 */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
