/**
 * Linux errno names, numbers and glibc's strerror() texts: the vocabulary of
 * every error reply in the simulated broker, as in flux-core.
 */
const TABLE = {
  EPERM: [1, "Operation not permitted"],
  ENOENT: [2, "No such file or directory"],
  EIO: [5, "Input/output error"],
  EAGAIN: [11, "Resource temporarily unavailable"],
  ENOMEM: [12, "Cannot allocate memory"],
  EBUSY: [16, "Device or resource busy"],
  EEXIST: [17, "File exists"],
  ENOTDIR: [20, "Not a directory"],
  EISDIR: [21, "Is a directory"],
  EINVAL: [22, "Invalid argument"],
  EFBIG: [27, "File too large"],
  ENOSPC: [28, "No space left on device"],
  EROFS: [30, "Read-only file system"],
  ENOSYS: [38, "Function not implemented"],
  ENOTEMPTY: [39, "Directory not empty"],
  ELOOP: [40, "Too many levels of symbolic links"],
  EPROTO: [71, "Protocol error"],
  ECONNRESET: [104, "Connection reset by peer"],
  EOPNOTSUPP: [95, "Operation not supported"],
  ETIMEDOUT: [110, "Connection timed out"],
  ECONNREFUSED: [111, "Connection refused"],
  ECANCELED: [125, "Operation canceled"],
  ENOTRECOVERABLE: [131, "State not recoverable"],
} as const satisfies Record<string, readonly [number, string]>;

export type Errno = keyof typeof TABLE;

export function errnoCode(errno: Errno): number {
  return TABLE[errno][0];
}

export function strerror(errno: Errno): string {
  return TABLE[errno][1];
}

/**
 * The error every failed call of the scenario API rejects with. The message
 * reads like the flux command line tools: "content.flush: No space left on device".
 */
export class FluxError extends Error {
  readonly errno: Errno;
  readonly code: number;
  /** The scenario line whose call failed, when known. */
  line?: number;

  constructor(errno: Errno, message?: string) {
    super(message ?? strerror(errno));
    this.name = "FluxError";
    this.errno = errno;
    this.code = errnoCode(errno);
  }
}

/** Settings that make a run impossible (unknown policy, bad size or seed): the runner's exit code 2. */
export class ScenarioInputError extends FluxError {}
