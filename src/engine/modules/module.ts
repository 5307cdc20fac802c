/**
 * What the broker knows of a module: it can be loaded and unloaded (each
 * answers later, with an errno on failure, as `flux module load/remove` do),
 * and it can lose its memory in a crash.
 */
import type { Errno } from "../sim/errno.ts";

export type Done = (errno?: Errno) => void;

export interface FluxModule {
  readonly name: string;
  load(done: Done): void;
  unload(done: Done): void;
  /** Power loss: drop all in-memory state at once, with no I/O and no messages. */
  crash(): void;
}
