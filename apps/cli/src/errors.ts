// The CLI's own error: a mistake in how the command was called (exit code 2), with a message
// that says what to do instead. Everything else the SDK reports exits with 1.

export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
