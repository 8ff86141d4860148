// The one-line objects unbind and deregister print: 0.1.12 built them by hand with Python's spacing, not as JSON.

export function pythonStyleLine(entries: ReadonlyArray<readonly [string, string]>): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(', ')}}`;
}
