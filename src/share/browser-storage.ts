/**
 * The browser's storage as the page uses it: a write can fail (the origin's quota is full: `QuotaExceededError`;
 * storage disabled), and in a cross-site frame whose storage the browser blocks, merely reading `localStorage`
 * throws a `SecurityError`. The page then keeps what it would have stored in memory for this tab, and says so;
 * every write goes through `saveItem`, which never throws and answers with the sentence to show when it failed.
 */

/** The storage the page uses, and why it is not the browser's when it is not. */
export interface OpenedStorage {
  storage: Storage;
  /** Undefined when the browser's own storage is used. */
  unavailable?: string;
}

/** The browser's storage from `get` (reading it may throw), else storage in memory for this tab. */
export function openBrowserStorage(get: () => Storage): OpenedStorage {
  try {
    const storage = get();
    storage.getItem(""); // a storage the browser denies may throw only on use
    return { storage };
  } catch (e) {
    return { storage: new MemoryStorage(), unavailable: `The browser refuses this page its storage (${errorName(e)}): the editor's text, drafts and the tutorial's progress last only as long as this tab.` };
  }
}

/** Write one item; undefined when stored, else one sentence saying what was not saved and why. */
export function saveItem(storage: Storage, key: string, value: string, what: string): string | undefined {
  try {
    storage.setItem(key, value);
    return undefined;
  } catch (e) {
    const full = errorName(e) === "QuotaExceededError";
    return `The browser did not save ${what}: ${full ? "its storage for this page is full (QuotaExceededError)" : `it refused (${errorName(e)})`}.`;
  }
}

const errorName = (e: unknown): string => (e instanceof Error || e instanceof DOMException ? e.name : "error");

/**
 * Storage in memory, with the Storage interface; `capacity` (characters of keys and values, as browsers count
 * their quota) makes a write that would pass it fail as a full localStorage does.
 */
export class MemoryStorage implements Storage {
  [name: string]: unknown;
  private readonly items = new Map<string, string>();

  constructor(private readonly capacity = Infinity) {}

  get length(): number {
    return this.items.size;
  }

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    const used = this.used() - (this.items.has(key) ? key.length + this.items.get(key)!.length : 0);
    if (used + key.length + value.length > this.capacity) throw new DOMException("the quota has been exceeded", "QuotaExceededError");
    this.items.set(key, String(value));
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }

  clear(): void {
    this.items.clear();
  }

  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }

  private used(): number {
    let total = 0;
    for (const [key, value] of this.items) total += key.length + value.length;
    return total;
  }
}
