/** npm run gen:dts: write the scenario globals' .d.ts from the API source. */
import { readFileSync, writeFileSync } from "node:fs";
import { DTS_OUTPUT, generateDts } from "../src/engine/api/dts.ts";

writeFileSync(DTS_OUTPUT, generateDts((path) => readFileSync(path, "utf8")));
console.log(`wrote ${DTS_OUTPUT}`);
