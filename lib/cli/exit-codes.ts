import { ConveyorError, GateError, LifecycleError } from '../errors.js';

/** 0.1.12's exit codes: 1 for gate refusals and unhealthy reports, 2 for every other failure. */
export function exitCodeFor(error: unknown): number {
  return error instanceof GateError || error instanceof LifecycleError ? 1 : 2;
}

/** The one line a person sees on stderr: the message, never a stack trace. */
export function messageFor(error: unknown): string {
  if (error instanceof ConveyorError) return error.message;
  if (error instanceof Error && error.name === 'SqliteError') {
    // A uniqueness rule the command's own checks did not anticipate: say what was refused, not only SQLite's words.
    const code = (error as Error & { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE')
      return `refused: that value is already taken, nothing was written (${error.message})`;
    return `database error: ${error.message}`;
  }
  if (error instanceof Error) return `conveyor failed: ${error.message}`;
  return `conveyor failed: ${String(error)}`;
}
