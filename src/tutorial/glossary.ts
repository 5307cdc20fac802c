/** The terms the lessons use, each explained for someone who knows a key-value store and a disk but not Flux. */
export const GLOSSARY: readonly { term: string; text: string }[] = [
  { term: "blob", text: "Immutable bytes in Flux's content store: a directory of the KVS, a large value, a piece of job output." },
  { term: "blobref", text: "A blob's name: the hash of its bytes, `sha1-` and 40 hex digits. The same bytes always get the same blobref." },
  { term: "hash tree", text: "How the KVS is kept: directories are blobs that name their entries' blobs by blobref, up to one root. Changing a key makes new blobs up the path; old ones stay valid." },
  { term: "root, rootref", text: "The top directory of the KVS hash tree, and its blobref. Each commit makes a new root with a sequence number one higher." },
  { term: "commit", text: "A batch of KVS changes (a transaction) applied at once: new blobs are stored, then the root advances. It answers when the blobs are cached." },
  { term: "write-back", text: "The content cache answers a store once the blob is in memory and writes it to the backing store (content-sqlite) afterwards." },
  { term: "dirty", text: "A cached blob not yet written to the backing store. Dirty blobs are never dropped from the cache." },
  { term: "flush", text: "`content.flush` / `flux content flush`: write back every dirty blob and answer when none is left, or with the error that stopped it." },
  { term: "checkpoint", text: "A small record naming a KVS root (rootref, sequence, time), stored in the database. A start restores the newest one." },
  { term: "FLUX_KVS_SYNC", text: "A commit flag (`flux kvs put --sync`, `{ sync: true }`): flush the cache and checkpoint the new root before answering; any error fails the commit." },
  { term: "WAL", text: "SQLite's write-ahead log, `content.sqlite-wal` beside the database: writes go there first and are copied into the database later." },
  { term: "statedir", text: "The directory where rank 0 keeps its database, e.g. `/var/lib/flux`. Here it is a filesystem with a quota." },
  { term: "rc1 / rc3", text: "The scripts the broker runs to start (rc1: load content-sqlite, fsck, kvs, …) and to stop (rc3: unload the kvs with its checkpoint, flush, unload content-sqlite)." },
  { term: "dmesg", text: "`flux dmesg`: the broker's log ring, where modules log errors such as `content store: No space left on device`." },
  { term: "fsck", text: "`flux fsck`: walk the tree from a checkpoint and check every blob is in the database; `--repair` moves damaged keys to lost+found. Runs in rc1 since 0.80." },
  { term: "ENOSPC", text: "The errno \"No space left on device\": what SQLite's write gets when the filesystem is full." },
];
