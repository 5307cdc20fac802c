/**
 * A root's hash tree as the page draws it: at most MAX_TREE_NODES nodes (then "…"), each blob shown where it is
 * now (dirty in the cache, on disk, missing), equal nodes of a chunk one object (shared-nodes.ts).
 *
 * Successive roots share most of their directories, so a directory is not walked again when an earlier walk of the
 * chunk reached it under the same name, the budget left cuts it where it did then (the same budget, or enough for
 * all of it both times), and every blob under it is still where it was: its tree is the same, taken as it was
 * (test/recorder.test.ts pins the histories the whole walks gave). A blob never changes; only where it is does.
 */
import type { Broker } from "../engine/broker/broker.ts";
import { decode, type TreeObj } from "../engine/modules/kvs/treeobj.ts";
import type { TreeNode } from "./protocol.ts";
import { SharedNodes } from "./shared-nodes.ts";

/** Trees are for looking at: past this many nodes a tree shows "…". */
const MAX_TREE_NODES = 160;
/** Decoded directories kept for trees (then forgotten all at once: this bounds the memory, not the hits). */
const MAX_DECODED = 4096;

type BlobState = TreeNode["state"];

/** A directory as walked: its tree, the budget it had and took, the budget left at its last node, and the blobs under it with where each was. */
interface WalkedDir {
  node: TreeNode;
  budget: number;
  cost: number;
  /** Infinity if it took no node (a directory whose blob is missing). */
  lowest: number;
  refs: string[];
  states: BlobState[];
}

export class TreeCapture {
  private readonly nodes = new SharedNodes();
  /** Directory blobs decoded, by blobref (successive roots share most of their directories). */
  private readonly decoded = new Map<string, TreeObj | undefined>();
  /** The chunk's walked directories, by blobref and name (the last walk of each). */
  private readonly walked = new Map<string, WalkedDir>();
  private broker: Broker | undefined;
  private budget = 0;
  /** Nodes taken in this walk, and the budget left at the last (the budget only falls: the lowest yet). */
  private taken = 0;
  private lowest = 0;
  /** The blobs looked at during this walk, in order, with where each was: a directory's are a range of these. */
  private peekedRefs: string[] = [];
  private peekedStates: BlobState[] = [];

  /** The tree of `rootref` as the instance holds it now. */
  tree(broker: Broker, rootref: string): TreeNode {
    this.broker = broker;
    this.budget = MAX_TREE_NODES;
    this.taken = 0;
    this.peekedRefs = [];
    this.peekedStates = [];
    return this.nodes.share(this.walk("(root)", { ver: 1, type: "dirref", data: [rootref] }, rootref));
  }

  /** Forget the chunk's nodes and walked directories (a new chunk shares nothing with the last). */
  clear(): void {
    this.nodes.clear();
    this.walked.clear();
  }

  /** The node of `obj`, its children shared (the caller shares the node itself). */
  private walk(name: string, obj: TreeObj, ref: string | null): TreeNode {
    this.budget--;
    this.taken++;
    this.lowest = this.budget;
    if (this.budget <= 0) return { name: "…", ref: null, kind: "truncated", state: "inline" };
    if (obj.type === "dirref") return this.dirref(name, obj.data[0]!);
    if (obj.type === "dir") {
      const children = Object.keys(obj.data)
        .sort()
        .map((child) => this.nodes.share(this.walk(child, obj.data[child]!, null)));
      return { name, ref, kind: "dir", state: "inline", children };
    }
    if (obj.type === "valref") {
      const children = obj.data.map((blobref, n) => this.nodes.share({ name: `#${n}`, ref: blobref, kind: "val", state: this.stateOf(blobref).state }));
      this.budget -= children.length;
      return { name, ref: null, kind: "valref", state: "inline", children };
    }
    return { name, ref: null, kind: obj.type, state: "inline" };
  }

  /** A directory's node (shared), from an earlier walk of the chunk if nothing under it moved and the budget cuts it as it did then. */
  private dirref(name: string, blobref: string): TreeNode {
    // a blobref holds no space: the key is unambiguous
    const key = `${blobref} ${name}`;
    const before = this.walked.get(key);
    if (before && this.cutAlike(before) && this.stillWhereTheyWere(before)) {
      this.budget -= before.cost;
      if (before.lowest !== Infinity) {
        this.taken++;
        this.lowest = before.lowest + this.budget + before.cost - before.budget;
      }
      return before.node;
    }
    const budget = this.budget;
    const taken = this.taken;
    const from = this.peekedRefs.length;
    const blob = this.stateOf(blobref);
    const dir = this.decodedDir(blobref, blob.data);
    const node = this.nodes.share(!dir || dir.type !== "dir" ? { name, ref: blobref, kind: "dir", state: blob.state } : { ...this.walk(name, dir, null), ref: blobref, state: blob.state });
    const lowest = this.taken === taken ? Infinity : this.lowest;
    this.walked.set(key, { node, budget, cost: budget - this.budget, lowest, refs: this.peekedRefs.slice(from), states: this.peekedStates.slice(from) });
    return node;
  }

  /**
   * The budget left now cuts the directory where it did: with the same budget, or, if it had enough for every node
   * under it (none became "…"), with any budget that still has enough for its last.
   */
  private cutAlike(dir: WalkedDir): boolean {
    if (this.budget === dir.budget) return true;
    return dir.lowest > 0 && dir.lowest + this.budget - dir.budget > 0;
  }

  /** Every blob under a walked directory is where it was (each counted as looked at again: it is under the directories walked now). */
  private stillWhereTheyWere(dir: WalkedDir): boolean {
    const from = this.peekedRefs.length;
    for (let n = 0; n < dir.refs.length; n++) {
      if (this.stateOf(dir.refs[n]!).state === dir.states[n]) continue;
      this.peekedRefs.length = this.peekedStates.length = from;
      return false;
    }
    return true;
  }

  /** Where a blob is now, noted for the directories being walked. */
  private stateOf(ref: string): ReturnType<Broker["peekBlob"]> {
    const blob = this.broker!.peekBlob(ref);
    this.peekedRefs.push(ref);
    this.peekedStates.push(blob.state);
    return blob;
  }

  private decodedDir(ref: string, data: Uint8Array | undefined): TreeObj | undefined {
    if (!data) return undefined;
    if (!this.decoded.has(ref)) {
      if (this.decoded.size >= MAX_DECODED) this.decoded.clear();
      this.decoded.set(ref, decode(data));
    }
    return this.decoded.get(ref);
  }
}
