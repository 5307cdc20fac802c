import { code, type Lesson } from "../lesson.ts";
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
a large one by its blobrefs (\`valref\`, an array: the Hash trees panel shows its pieces as \`#0\`, \`#1\`, …),
a subdirectory by its blobref (\`dirref\`). The top directory is the **root**; its blobref is the rootref. Every
**commit** (a batch of changes; the kvs may merge adjacent ones into one) makes a new root with a sequence number
one higher.

A Flux instance is a tree of **broker** processes, one per node. The first one, **rank 0**, keeps the blobs,
in three layers:
- **kvs**: the module that builds the tree and publishes each new root;
- **content cache**: keeps blobs in memory and answers \`content.store\` with the blobref;
- **content-sqlite**: writes them into \`content.sqlite\`, a SQLite database in the **statedir**
  (\`/var/lib/flux\`), through a write-ahead log beside it (the **WAL**, \`content.sqlite-wal\`).

A blob the cache holds but the database does not have yet is **dirty**; a **flush** (\`content.flush\`) writes
every dirty blob to the database.

Answer the question below, run the script, then do the steps in its comments. Look at the **Hash trees** panel
(each blob coloured by where it is) and the **disk** gauge. (\`admin\` is Flux's own directory: the instance's
start log.)

*The model:* one broker, no other ranks; SQLite is real (sql.js), the disk is an in-memory filesystem with a quota.
`,
  afterRun: `
\`greeting\` sits inside the root directory as \`val\`: the kvs inlines a value while its base64 text is at most
72 characters (\`BLOBREF_MAX_STRING_SIZE\`, the longest blobref). \`photo\`, 50 kB, is a \`valref\`: its own blobs.
SQLite stores only blobs (table \`objects\`, keyed by hash), never keys: the keys are in the directory blobs.
`,
  path: ["upstream"],
  sources: [
    code("src/modules/kvs/kvstxn.c", "kvstxn_unroll: a value over BLOBREF_MAX_STRING_SIZE (72) becomes a valref"),
    code("src/modules/content/cache.c", "the content cache: content.store answers with the blobref"),
    code("src/modules/content-sqlite/content-sqlite.c", "the objects table, WAL journal"),
    { label: "RFC 11: key value store tree object format", href: "https://flux-framework.readthedocs.io/projects/flux-rfc/en/latest/spec_11.html" },
  ],
  script: "01-the-stack",
  hints: [
    {
      text: "`const root = await kvs.getroot();` gives `{ rootref, sequence }`; `log(root.rootref)` prints the blobref.",
      edit: { find: 'log("put greeting and photo");', replace: 'log("put greeting and photo");\nconst root = await kvs.getroot();\nlog(root.rootref);' },
    },
    {
      text: "`const blob = await content.load(root.rootref); log(new TextDecoder().decode(blob));` prints the root directory's JSON.",
      edit: { find: "log(root.rootref);", replace: "log(root.rootref);\nconst blob = await content.load(root.rootref);\nlog(new TextDecoder().decode(blob));" },
    },
    {
      text: "`await content.flush();` writes every dirty blob to the database; `log(await content.stats())` before and after shows `dirty`.",
      edit: { find: "log(new TextDecoder().decode(blob));", replace: "log(new TextDecoder().decode(blob));\nlog(await content.stats());\nawait content.flush();\nlog(await content.stats());" },
    },
    {
      text: '`log(await kvs.get("greeting"));` reads the key back.',
      edit: { find: "await content.flush();\nlog(await content.stats());", replace: 'await content.flush();\nlog(await content.stats());\nlog(await kvs.get("greeting"));' },
    },
  ],
  predict: {
    question: 'How does the KVS store the 11-byte value "hello, flux"?',
    choices: [
      { id: "val", label: "Inline, inside its directory's blob" },
      { id: "valref", label: "As a blob of its own, named by its blobref" },
      { id: "table", label: "As a row of a table of keys in SQLite" },
    ],
    reveal: (run) => kindOfTopKey(run.trees, "greeting"),
    why: "Its base64 text is 16 characters; the kvs inlines up to 72. SQLite stores only blobs, never keys.",
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
