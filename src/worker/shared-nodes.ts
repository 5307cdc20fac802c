/**
 * Hash-consing of hash-tree nodes within one chunk: equal nodes become one
 * object. Successive roots share most of their directories, and a structured
 * clone writes an object it has already written as a reference, so a chunk's
 * trees cost the worker and the page a fraction of their size to send, and
 * the page a fraction of the memory to keep. What the trees say is unchanged.
 */
import type { TreeNode } from "./protocol.ts";

export class SharedNodes {
  private readonly byContent = new Map<string, TreeNode>();
  private readonly ids = new Map<TreeNode, number>();

  /** `node`, or the equal node seen before; its children must be shared ones already (trees are shared bottom-up). */
  share(node: TreeNode): TreeNode {
    // every field, unambiguously: a name may hold any character, so its length goes first
    const key = `${node.kind} ${node.state} ${node.ref} ${node.name.length}:${node.name}|${node.children ? node.children.map((c) => this.ids.get(c)).join(",") : ""}`;
    const shared = this.byContent.get(key);
    if (shared) return shared;
    this.byContent.set(key, node);
    this.ids.set(node, this.ids.size);
    return node;
  }

  /** Forget every node (a new chunk: sharing across chunks saves nothing, each is cloned on its own). */
  clear(): void {
    this.byContent.clear();
    this.ids.clear();
  }
}
