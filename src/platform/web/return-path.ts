import { hasInvalidCharacter } from './input-guard.ts';

/**
 * A local path made safe for a Location header: every character outside printable ASCII is
 * percent-encoded as UTF-8 (`/demandes/é` → `/demandes/%C3%A9`), which browsers read back as the
 * same address. Node refuses to send a header holding characters outside Latin-1, and it would
 * do so only after the route had done its work (a session opened, its cookie never sent).
 * A NUL byte or a lone surrogate (no UTF-8 form) gives null.
 */
export function headerSafePath(path: string): string | null {
  if (hasInvalidCharacter(path)) return null;
  return path.replace(/[^\x21-\x7e]+/gu, (run) => encodeURIComponent(run));
}
