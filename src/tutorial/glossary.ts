/**
 * The terms and people the lessons name, each explained in a line for someone
 * who knows a key-value store, SQLite and a full disk but not Flux. `uses`
 * finds the term in a lesson's Markdown: the first use in the tutorial must be
 * its definition, in bold (test/tutorial-glossary.test.ts).
 */
export interface GlossaryEntry {
  term: string;
  uses: RegExp;
  text: string;
}

export const GLOSSARY: readonly GlossaryEntry[] = [
  { term: "KVS", uses: /\bKVS\b/, text: "Flux's key-value store: jobs, their eventlogs and output, the instance's own state. Served by the `kvs` module." },
  { term: "broker", uses: /\bbrokers?\b/, text: "The Flux daemon. An instance is a tree of brokers, one per node; modules (kvs, content-sqlite, …) are loaded into them." },
  { term: "rank 0", uses: /\brank 0\b/, text: "The first broker of an instance, at the root of its tree: the only one that keeps the KVS and its database on disk." },
  { term: "hash tree", uses: /\bhash trees?\b/i, text: "How the KVS is kept: directories are blobs that name their entries' blobs by blobref, up to one root. Changing a key makes new blobs up the path; old ones stay valid." },
  { term: "blob", uses: /\bblobs?\b/, text: "Immutable bytes in Flux's content store: a directory of the KVS, a large value, a piece of job output." },
  { term: "blobref", uses: /\bblobrefs?\b/, text: "A blob's name: the hash of its bytes, `sha1-` and 40 hex digits. The same bytes always get the same blobref." },
  { term: "root, rootref", uses: /\broot(ref)?s?\b/, text: "The top directory of the KVS hash tree, and its blobref. Each commit, or batch of adjacent commits the kvs merged, makes a new root with a sequence number one higher." },
  { term: "commit", uses: /\bcommits?\b/, text: "A batch of KVS changes (a transaction): new blobs are stored, then the root advances. It answers when its blobs are cached, not when they are on disk." },
  { term: "content cache", uses: /\bcontent cache\b|\bthe cache\b/, text: "The broker's store of blobs in memory. On rank 0 it is a write-back cache in front of content-sqlite; on other ranks it writes through to its parent." },
  { term: "content-sqlite", uses: /\bcontent-sqlite\b/, text: "The module that keeps blobs and checkpoints in `content.sqlite`, a SQLite database in the statedir." },
  { term: "statedir", uses: /\bstatedir\b/, text: "The directory where rank 0 keeps its database (broker attribute `statedir`, `/var/lib/flux` for a system instance). Here it is a filesystem with a quota." },
  { term: "WAL", uses: /\bWAL\b/, text: "SQLite's write-ahead log, `content.sqlite-wal` beside the database: writes go there first and are copied into the database at a WAL checkpoint (every 1000 pages, about 4 MB)." },
  { term: "write-back", uses: /\bwrite-backs?\b/i, text: "On rank 0 the content cache answers a store once the blob is in memory and writes it to content-sqlite afterwards." },
  { term: "dirty", uses: /\bdirty\b/, text: "A cached blob not yet written to the backing store. Dirty blobs are never dropped from the cache." },
  { term: "flush", uses: /\bflush(es|ed|ing)?\b/, text: "`content.flush` / `flux content flush`: write back every dirty blob and answer when none is left, or with the error that stopped it." },
  { term: "checkpoint", uses: /\bcheckpoints?\b/, text: "A small record naming a KVS root (rootref, sequence, time), stored in the database; the 5 newest are kept since 0.77. A start restores the newest one." },
  { term: "FLUX_KVS_SYNC", uses: /\bFLUX_KVS_SYNC\b/, text: "A commit flag (`flux kvs put --sync`, `{ sync: true }`): flush the cache and checkpoint the new root before answering; any error fails the commit. A sync checkpoints the whole tree, earlier unsynced keys included." },
  { term: "crash", uses: /\bcrash(es|ed)?\b/, text: "`flux.crash()`: the broker dies (kill -9, out of memory): memory is gone, the statedir keeps what SQLite committed. Not a power loss." },
  { term: "rc1 / rc3", uses: /\brc[13]\b/, text: "The broker's start script (rc1: content-sqlite, fsck, kvs, …) and stop script (rc3: unload the kvs with its checkpoint, flush, dump if asked, unload content-sqlite). A failing step fails the start or makes `flux start` exit non-zero." },
  { term: "dmesg", uses: /\bdmesg\b/, text: "`flux dmesg`: the broker's log ring, where modules log errors such as `content store: No space left on device`." },
  { term: "ENOSPC", uses: /\bENOSPC\b/, text: "The errno \"No space left on device\": what SQLite's write gets when the filesystem is full (SQLite says SQLITE_FULL)." },
  { term: "stranded", uses: /\bstranded\b/, text: "A dirty blob whose write-back failed: it is on no flush list, so nothing writes it again unless the same bytes are stored again. The stack panel counts them." },
  { term: "namespace", uses: /\bnamespaces?\b/, text: "A KVS of its own. The primary namespace holds the instance's state; each job writes its output in a guest namespace first." },
  { term: "fsck", uses: /\bfsck\b/, text: "`flux fsck` (since 0.75): walk the tree from a checkpoint and check every blob is in the database; `--repair` (0.78) moves damaged keys to lost+found. rc1 runs it with `--repair` since 0.80; it exits 1 after any repair." },
  { term: "lost+found", uses: /lost\+found/, text: "The KVS directory where `flux fsck --repair` moves keys whose blobs are missing." },
  { term: "policy", uses: /\bpolic(y|ies)\b/, text: "This playground's name for a set of behaviours: `upstream` (flux-core 0.88), `flux-0.66`, or one of the designs discussed for ENOSPC." },
  { term: "EROFS", uses: /\bEROFS\b/, text: "The errno \"Read-only file system\": what the read-only design answers writers with." },
  { term: "systemd", uses: /\bsystemd\b/, text: "The Linux service manager. A site's Flux (the system instance) runs as its `flux.service`, which restarts it after most exits." },
  { term: "checkpoint-period", uses: /\bcheckpoint-period\b/, text: "`[kvs] checkpoint-period` in Flux's config: checkpoint every period (a flush and a checkpoint, as a sync does). Unset by default; the admin guide's example sets 30m." },
  { term: "dump", uses: /(?<!core )\bdumps?\b/, text: "`flux dump`: write the KVS (from a checkpoint, or the live root) to an archive; `flux restore` builds a database from one. A system instance dumps at every stop and restores at the next start." },
  { term: "garlick", uses: /\bgarlick\b/, text: "A flux-core developer (GitHub handle) in the ENOSPC discussion; framed the choice for admins." },
  { term: "chu11", uses: /\bchu11\b/, text: "A flux-core developer (GitHub handle): opened the ENOSPC discussion and wrote PR #6217." },
  { term: "kkier", uses: /\bkkier\b/, text: "Whom garlick consulted (GitHub handle) before putting the choice to admins." },
  { term: "trws", uses: /\btrws\b/, text: "A Flux developer (GitHub handle) who suggested a safe mode in the ENOSPC discussion." },
];
