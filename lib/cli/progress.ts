// Progress of long work, the way git shows it: on stderr, only on a terminal, only once the work
// has taken a moment (fast runs print nothing), redrawn in place a few times a second with a
// count and a rate, and closed with ", done." Nothing with --quiet or when stderr is not a TTY.

export interface Progress {
  /** `done` of `total` so far; cheap to call on every item. */
  readonly update: (done: number, total: number) => void;
  /** Close the line (idempotent). */
  readonly done: () => void;
}

const SHOW_AFTER_MS = 300;
const REDRAW_MS = 100;

export function progressBar(label: string, options: { readonly quiet?: boolean; readonly stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet === true || stream.isTTY !== true) return { update: () => undefined, done: () => undefined };
  const started = performance.now();
  let drawn = 0;
  let shown = false;
  let last = { done: 0, total: 0 };
  const line = (final: boolean): string => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(last.done / seconds) : 0;
    const percent = last.total > 0 ? ` ${String(Math.floor((100 * last.done) / last.total)).padStart(3)}%` : '';
    return `\r${label}:${percent} (${last.done}/${last.total}), ${rate}/s${final ? ', done.\n' : ''}`;
  };
  return {
    update: (done, total) => {
      last = { done, total };
      const now = performance.now();
      if (now - started < SHOW_AFTER_MS || now - drawn < REDRAW_MS) return;
      drawn = now;
      shown = true;
      stream.write(line(false));
    },
    done: () => {
      if (!shown) return;
      shown = false;
      stream.write(line(true));
    },
  };
}
