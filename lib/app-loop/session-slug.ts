// The slug 0.1.12 derives from a session name for disposable rollout files and Codex session ids.

/**
 * The file-name and Codex-id form of a session name (gaps spec G6): each run of other characters becomes one
 * `-` (per UTF-16 unit, so a non-ASCII name may collapse to the same slug as another), leading and trailing
 * `.`/`-` go, and an empty result is `session`. Existing `-`/`.` runs stay as they are; there is no length cap.
 */
export function sessionSlug(name: string): string {
  const slug = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '');
  return slug === '' ? 'session' : slug;
}
