/**
 * Running count, min, mean, standard deviation and max of a series (flux-core
 * src/common/libutil/tstat.c, Welford's method), for the statistics
 * `flux module stats kvs` prints, e.g. the operations per commit request.
 */
export class Tstat {
  private n = 0;
  private min = 0;
  private max = 0;
  private mean = 0;
  private m2 = 0;

  push(x: number): void {
    this.n++;
    if (this.n === 1) {
      this.min = this.max = this.mean = x;
      this.m2 = 0;
      return;
    }
    this.min = Math.min(this.min, x);
    this.max = Math.max(this.max, x);
    const delta = x - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (x - this.mean);
  }

  /** As kvs.c's get_tstat_obj: { count, min, mean, stddev, max }. */
  toJSON(): { count: number; min: number; mean: number; stddev: number; max: number } {
    const stddev = this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0;
    return { count: this.n, min: this.min, mean: this.mean, stddev, max: this.max };
  }
}
