import { model, type Lesson } from "../lesson.ts";
import { apiCalls, frameAt } from "../run-facts.ts";
import type { TreeNode } from "../../worker/protocol.ts";

const BLOBREF = /sha1-[0-9a-f]{40}/;

/** How the newest captured tree holds `key` at its top level: "val" (inline), "valref" (its own blob), ... */
function kindOfTopKey(trees: Readonly<Record<string, TreeNode>>, key: string): string | undefined {
  const roots = Object.values(trees);
  for (let n = roots.length - 1; n >= 0; n--) {
    const child = roots[n]!.children?.find((c) => c.name === key);
    if (child) return child.kind;
  }
  return undefined;
}

export const theStack: Lesson = {
  slug: "the-stack",
  title: "The stack",
  text: `
Flux keeps its key-value store, the **KVS**, as a **hash tree**. Every directory, and every value too large to
sit inside its directory, is a **blob**: immutable bytes named by the hash of their content, the **blobref**
(\`sha1-\` and 40 hex digits). A directory is a JSON blob listing its entries: a small value inline (\`val\`),
a large one by its blobref (\`valref\`), a subdirectory by its blobref (\`dirref\`). The top directory is the
**root**; its blobref is the **rootref**, and every **commit** (a batch of changes) makes a new root with a
sequence number one higher.

Three layers hold the blobs on the first broker (rank 0):
- **kvs**: builds the tree and publishes each new root;
- **content cache**: keeps blobs in memory and answers \`content.store\` with the blobref;
- **content-sqlite**: writes them into \`content.sqlite\`, a SQLite database in the **statedir**
  (\`/var/lib/flux\`), through a write-ahead log beside it (the **WAL**, \`content.sqlite-wal\`).

Run the script, then do the steps in its comments. Look at the **Hash trees** panel (each blob coloured by
where it is) and the **disk** gauge. (\`admin\` is Flux's own directory: the instance's start log.)

*The model:* one broker, no other ranks; SQLite is real (sql.js), the disk is an in-memory filesystem with a quota.
`,
  sources: [model("§2", "blobs and blobrefs"), model("§3", "the content cache"), model("§4", "content-sqlite"), model("§6", "RFC 11 tree objects")],
  script: "01-the-stack",
  hints: [
    "`const root = await kvs.getroot();` gives `{ rootref, sequence }`; `log(root.rootref)` prints the blobref.",
    "`const blob = await content.load(root.rootref); log(new TextDecoder().decode(blob));` prints the root directory's JSON.",
    "`await content.flush();` writes every dirty blob to the database; `log(await content.stats())` before and after shows `dirty`.",
  ],
  predict: {
    question: 'How does the KVS store the 11-byte value "hello, flux"?',
    choices: [
      { id: "val", label: "Inline, inside its directory's blob" },
      { id: "valref", label: "As a blob of its own, named by its blobref" },
      { id: "table", label: "As a row of a table of keys in SQLite" },
    ],
    reveal: (run) => kindOfTopKey(run.trees, "greeting"),
    why: "Its base64 text is 16 characters, under the 72 that fit inline (RFC 11); `photo`, 50 kB, became a blob of its own (`valref`). SQLite stores only blobs, never keys.",
  },
  goal: (run) => {
    const flushes = apiCalls(run, "content.flush()").filter((c) => c.outcome === "ok");
    return [
      { label: "Put a key (kvs.put answered)", done: apiCalls(run, "kvs.put(").some((c) => c.outcome === "ok") },
      { label: "Print a blobref (the console shows sha1-…)", done: run.events.some((e) => e.kind === "console" && BLOBREF.test(e.text)) },
      { label: "Load a blob by its blobref (content.load)", done: apiCalls(run, "content.load(").some((c) => c.outcome === "ok") },
      { label: "Flush the cache: every blob in the database (dirty 0)", done: flushes.some((c) => frameAt(run, c.i)?.cache?.dirty === 0) },
      { label: "Read a key back (kvs.get)", done: apiCalls(run, "kvs.get(").some((c) => c.outcome === "ok") },
    ];
  },
};
