// One family of errors for the runtime. Each class maps once to a CLI exit code (lib/cli/exit-codes.ts)
// and once to a tRPC code (server/trpc.ts); messages name the operation and its target.

export class ConveyorError extends Error {
  override name = 'ConveyorError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The caller asked for something malformed: a missing or bad flag, a value out of range. */
export class UsageError extends ConveyorError {
  override name = 'UsageError' as const;
}

/** A named task, session, receipt or row does not exist. */
export class NotFoundError extends ConveyorError {
  override name = 'NotFoundError' as const;
  constructor(
    readonly entity: string,
    readonly key: string,
    message = `${entity} not found: ${key}`,
  ) {
    super(message);
  }
}

/** The request is well-formed but the current state refuses it (finished task, bound session, bad receipt). */
export class ConflictError extends ConveyorError {
  override name = 'ConflictError' as const;
}

/** A gate refused to proceed (for example a criteria audit): exit 1 rather than 2, as 0.1.12 does. */
export class GateError extends ConveyorError {
  override name = 'GateError' as const;
  constructor(
    message: string,
    readonly payload?: unknown,
  ) {
    super(message);
  }
}

/**
 * Starting, stopping or finding a live session failed (tmux or Codex missing, a name taken, discovery timed out):
 * exit 1, as 0.1.12's lifecycle commands do.
 */
export class LifecycleError extends ConveyorError {
  override name = 'LifecycleError' as const;
}

/** A tmux call failed; `started` tells whether text had already reached tmux's buffer before the failure. */
export class TmuxError extends ConveyorError {
  override name = 'TmuxError' as const;
  constructor(
    message: string,
    readonly started = false,
  ) {
    super(message);
  }
}

/** The database file cannot be used: not SQLite, not ours, newer than we know, unwritable. */
export class DatabaseError extends ConveyorError {
  override name: string = 'DatabaseError';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} (${file})`, options);
  }
}

export class SchemaTooNewError extends DatabaseError {
  override name = 'SchemaTooNewError' as const;
  constructor(file: string, found: number, newestKnown: number) {
    super(
      file,
      `database schema version ${found} is newer than conveyor supports (up to ${newestKnown}); upgrade conveyor, the file was not changed`,
    );
  }
}
