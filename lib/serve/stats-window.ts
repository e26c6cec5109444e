// The dashboard's `stats` window: the default (30 days before HEAD's commit date) or the `days`
// before it, named alike wherever it is computed (the server, its worker), so that each finds
// the answers the other stored.

import type { StatsOptions } from '../trail/stats.js';

export function dashboardWindow(days: number | undefined): Pick<StatsOptions, 'since' | 'window'> {
  if (days === undefined) return { window: 'default' };
  return { window: `days ${days}`, since: (head: Date) => new Date(head.getTime() - days * 86_400_000) };
}
