// A linked realm in a Node worker thread (test/sync-pipe.test.ts): tsx registered first, as the CLI's worker does.
import { register } from "tsx/esm/api";

register();
await import("./linked-realm.ts");
