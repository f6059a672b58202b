// Text a message may quote, made one way everywhere: at most 40 characters of what a reader, a
// link or a host page gave (the engine keeps to the same length in its own messages), words
// for a JS value that isn't text, and a group's name or the words that stand for it.

/** The most characters of a given value a message quotes. */
export const QUOTED_CHARS = 40;

/** At most the first `length` characters of `text`, with "…" when there were more. */
export function cut(text, length = QUOTED_CHARS) {
  const value = String(text);
  return value.length > length ? `${value.slice(0, length)}…` : value;
}

/** A JS value in words for a message: text quoted (and cut), anything else by what it is. */
export function describe(value) {
  if (typeof value === 'string') return JSON.stringify(cut(value));
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

/** Group `index` (from 0) as a reader knows it: its name, or "group 1" where it has none. */
export function groupLabel(index, names = []) {
  const name = names?.[index];
  return typeof name === 'string' && name !== '' ? name : `group ${index + 1}`;
}
