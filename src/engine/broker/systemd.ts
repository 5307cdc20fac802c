/**
 * The instance kinds, and systemd's rules for the system instance (flux-core's etc/flux.service.in,
 * flux-model.md §14): the broker runs with `broker.exit-norestart=42`, so every `flux shutdown` and every
 * rc1 failure exits 42, which `RestartPreventExitStatus=42` leaves down until an admin acts; any other end
 * (a crash, another exit code) is restarted after `RestartSec=30s`; a stop still going after
 * `TimeoutStopSec=90` is killed. systemd's decisions go into the log with source "systemd" (the journal's
 * lines, in virtual time), so dmesg and the timeline show them.
 */
import type { Bus } from "../sim/bus.ts";
import type { ScheduledEvent } from "../sim/scheduler.ts";

/** "test": as `flux start` runs an instance (the sharness tests' way); "system": flux.service under systemd. */
export const INSTANCE_KINDS = ["test", "system"] as const;
export type InstanceKind = (typeof INSTANCE_KINDS)[number];

/** broker.exit-norestart: the exit code of a stop or a failed start, which systemd does not restart. */
export const EXIT_NORESTART = 42;
export const RESTART_SEC_MS = 30_000;
export const TIMEOUT_STOP_MS = 90_000;
/** A process killed by SIGKILL, as the shell reports it (128 + 9). */
export const EXIT_KILLED = 137;

const UNIT = "flux.service";

/** The unit's restart timer and its log lines; the broker tells it how each run ended. */
export class Systemd {
  private restartTimer: ScheduledEvent | undefined;
  private restarts = 0;

  constructor(private readonly bus: Bus) {}

  /** The broker exited with `code`: 42 stays down, anything else is started again 30 s later. */
  exited(code: number, restart: () => void): void {
    if (code === EXIT_NORESTART) {
      this.log(`${UNIT}: Main process exited, code=exited, status=${code}/n/a; exit ${code}: not restarted (RestartPreventExitStatus=${EXIT_NORESTART})`);
      return;
    }
    this.log(`${UNIT}: Main process exited, code=exited, status=${code}/n/a; restarting in 30 s (Restart=always, RestartSec=30s)`);
    this.armRestart(RESTART_SEC_MS, restart);
  }

  /** The broker died by a signal (kill -9): restarted 30 s later. */
  killed(restart: () => void): void {
    this.log(`${UNIT}: Main process exited, code=killed, status=9/KILL; restarting in 30 s (Restart=always, RestartSec=30s)`);
    this.armRestart(RESTART_SEC_MS, restart);
  }

  /** The stop took longer than TimeoutStopSec: the kill, after which a stop the admin asked for is not restarted. */
  stopTimedOut(): void {
    this.log(`${UNIT}: State 'stop-sigterm' timed out. Killing. (TimeoutStopSec=90); killed after 90 s: not restarted (the stop was asked for)`);
  }

  /** The wait for a restart still to come, if one is armed (the scheduler's events are lost at a crash: the broker re-arms it). */
  pendingRestartMs(now: number): number | undefined {
    return this.restartTimer && !this.restartTimer.cancelled ? this.restartTimer.at - now : undefined;
  }

  /** An admin's start wins over the restart systemd had scheduled. */
  cancelRestart(): void {
    this.bus.sched.cancel(this.restartTimer);
    this.restartTimer = undefined;
  }

  /** Arm (or, after a crash cleared the scheduler, re-arm) the restart timer. Not a background timer: sim.settle runs it. */
  armRestart(delayMs: number, restart: () => void): void {
    this.restartTimer = this.bus.sched.after(delayMs, `systemd: restart ${UNIT}`, () => {
      this.restartTimer = undefined;
      this.restarts++;
      this.log(`${UNIT}: Scheduled restart job, restart counter is at ${this.restarts}; restarted after 30 s`);
      restart();
    });
  }

  private log(text: string): void {
    this.bus.log("systemd", "notice", text);
  }
}
