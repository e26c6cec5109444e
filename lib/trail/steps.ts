// Prompts as blame prints them.

/** A prompt's text as one short line. */
export function excerpt(text: string, width = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
