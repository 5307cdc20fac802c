/**
 * The standard library a scenario is typed against, beside its generated globals (scenario-globals.generated.d.ts):
 * the compiler option `lib` of the editor and of the tests that type-check scripts. The language without the DOM,
 * because a scenario runs in a worker with none of it, and completion on a blank line should offer `flux` and `kvs`,
 * not `AbortController`. Names as the language service takes them.
 */
export const SCENARIO_LIB = ["lib.es2022.d.ts"];

/**
 * What the runtime offers a scenario beyond the language and the API: the text codecs, which both a Web Worker and
 * Node have (scripts decode `content.load()`'s bytes with them). Declared here rather than by a DOM or worker lib,
 * which would bring every browser name back into completion.
 */
export const SCENARIO_RUNTIME_DTS = `interface TextDecoder {
  readonly encoding: string;
  decode(input?: Uint8Array | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare var TextDecoder: { new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder };
interface TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array;
}
declare var TextEncoder: { new (): TextEncoder };
`;
