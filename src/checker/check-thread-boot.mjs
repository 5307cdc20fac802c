// Worker threads do not inherit the --import tsx loader on Node 20: register it here, then run the TypeScript thread.
import { register } from "tsx/esm/api";

register();
await import("./check-thread.ts");
