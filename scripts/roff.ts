// Plain help text to roff (man(7)), for the generated manual pages. Rules: every text line is
// escaped here and nowhere else (backslash, hyphen as \-, quotes, non-ASCII as groff glyphs,
// a leading '.' guarded by \&), so the pages are pure ASCII and render the same with groff and
// mandoc; help text keeps its own wording, only its layout becomes paragraphs and items.

// groff's named glyphs, which also print on an ASCII terminal; others by code point, which
// a UTF-8 terminal shows and an ASCII one warns about (the ellipsis has no name: three dots).
const GLYPHS: Readonly<Record<string, string>> = { '\u2026': '...', '\u2192': '\\(->', '\u2264': '\\(<=', '\u2265': '\\(>=', '\u00d7': '\\(mu', '\u2013': '\\(en', '\u2014': '\\(em' };

function glyph(c: string): string {
  return GLYPHS[c] ?? `\\[u${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** One text line escaped for roff: safe in fill and no-fill mode, never read as a request. */
export function roffText(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/'/g, "\\(aq")
    .replace(/`/g, '\\(ga')
    .replace(/~/g, '\\(ti')
    .replace(/\^/g, '\\(ha')
    .replace(/[^\x00-\x7f]/gu, glyph);
  return escaped.startsWith('.') ? `\\&${escaped}` : escaped;
}

/** Markdown's `code` spans in bold, the rest as text (for the README's settings table). */
export function roffInline(markdown: string): string {
  return markdown
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `\\fB${roffText(part)}\\fR` : roffText(part)))
    .join('');
}

/** A help text split into its synopsis (the `usage:` and `or:` forms) and the rest. */
export interface Help {
  readonly synopsis: readonly string[];
  readonly body: readonly string[];
}

export function splitHelp(text: string): Help {
  const lines = text.replace(/\n+$/, '').split('\n');
  const end = lines.indexOf('');
  const head = end === -1 ? lines : lines.slice(0, end);
  const synopsis: string[] = [];
  for (const line of head) {
    const form = /^(?:usage:|\s*or:)\s+(.*)$/.exec(line);
    if (form !== null) synopsis.push(form[1] as string);
    else if (synopsis.length > 0) synopsis[synopsis.length - 1] += ` ${line.trim()}`;
  }
  return { synopsis, body: end === -1 ? [] : lines.slice(end + 1) };
}

/** The synopsis forms, each hanging under `git trace` (.SY/.YS, groff and mandoc). */
export function roffSynopsis(forms: readonly string[]): string[] {
  return forms.flatMap((form) => {
    const rest = form.replace(/^git trace\s*/, '');
    return ['.SY "git trace"', ...(rest === '' ? [] : [roffText(rest)]), '.YS'];
  });
}

/**
 * The body of a help text as roff: prose lines become filled paragraphs; indented rows of a
 * term and its description (two or more spaces apart, continued by lines indented as far as
 * the description) become tagged items; a short line that opens a paragraph of such rows
 * is their heading; any other indented line is kept as it is.
 */
export function roffBody(body: readonly string[]): string[] {
  const out: string[] = [];
  let inProse = false;
  for (let i = 0; i < body.length; i++) {
    const line = body[i] as string;
    const next = body[i + 1];
    if (line.trim() === '') {
      inProse = false;
      continue;
    }
    if (!/^\s/.test(line)) {
      const opensRows = next !== undefined && /^\s+\S/.test(next);
      const isHeading: boolean = !inProse && opensRows && line.length <= 60 && !line.endsWith('.');
      if (isHeading) out.push('.PP', `\\fB${roffText(line.replace(/:$/, ''))}\\fR`);
      else {
        if (!inProse) out.push('.PP');
        out.push(roffText(line));
      }
      inProse = !isHeading;
      continue;
    }
    inProse = false;
    const row = /^(\s+)(\S.*?)(\s{2,})(\S.*)$/.exec(line);
    if (row === null) {
      out.push('.RS', '.nf', roffText(line.trim()), '.fi', '.RE');
      continue;
    }
    const column = (row[1] as string).length + (row[2] as string).length + (row[3] as string).length;
    // The tag as wide as the help's own column, so descriptions line up as they do there.
    // A description that is itself columns (a table of files) keeps one column per line.
    const columns = (row[4] as string).split(/\s{2,}/).map(roffText);
    out.push(`.TP ${column - (row[1] as string).length}n`, `\\fB${roffText(row[2] as string)}\\fR`, columns.join('\n.br\n'));
    while (i + 1 < body.length && indentOf(body[i + 1] as string) >= column) {
      i++;
      out.push(roffText((body[i] as string).trim()));
    }
  }
  return out;
}

function indentOf(line: string): number {
  if (line.trim() === '') return -1;
  return line.length - line.trimStart().length;
}
