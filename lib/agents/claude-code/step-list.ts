// The steps one parse emits: each id once, at the place it first appeared, in its latest version.

import type { Step } from '../../model/step.js';

export class StepList {
  private readonly order: string[] = [];
  private readonly byId = new Map<string, Step>();

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): Step | undefined {
    return this.byId.get(id);
  }

  put(step: Step): void {
    if (!this.byId.has(step.id)) this.order.push(step.id);
    this.byId.set(step.id, step);
  }

  /** Place a new step right after `anchorId` when that step is in this list; else at the end. */
  putAfter(anchorId: string, step: Step): void {
    if (!this.byId.has(step.id)) {
      const at = this.byId.has(anchorId) ? this.order.indexOf(anchorId) : -1;
      if (at === -1) this.order.push(step.id);
      else this.order.splice(at + 1, 0, step.id);
    }
    this.byId.set(step.id, step);
  }

  list(): Step[] {
    return this.order.map((id) => this.byId.get(id) as Step);
  }
}
