/**
 * Record what the system's liblz4 makes of test/lz4-inputs.ts's inputs, for
 * test/lz4.test.ts: `npm run -s lz4:reference > test/lz4-liblz4.json`.
 * liblz4 is called through Python's ctypes (python3 and liblz4.so.1, as
 * Debian 12 has them; flux-core's content-sqlite links the same library):
 * LZ4_compress_default() into LZ4_compressBound() bytes, as content-sqlite
 * calls it.
 */
import { execFileSync } from "node:child_process";
import { lz4Inputs } from "../test/lz4-inputs.ts";

const PYTHON = `
import ctypes, hashlib, json, sys
lz4 = ctypes.CDLL("liblz4.so.1")
data = sys.stdin.buffer.read()
out, at = [], 0
while at < len(data):
    n = int.from_bytes(data[at:at + 4], "little"); at += 4
    src = data[at:at + n]; at += n
    cap = lz4.LZ4_compressBound(n); dst = ctypes.create_string_buffer(max(cap, 1))
    size = lz4.LZ4_compress_default(src, dst, n, cap)
    out.append({"size": size, "sha256": hashlib.sha256(dst.raw[:size]).hexdigest()})
v = lz4.LZ4_versionNumber()
print(json.dumps({"liblz4": f"{v // 10000}.{v // 100 % 100}.{v % 100}", "outputs": out}, indent=1))
`;

const input = Buffer.concat(lz4Inputs().flatMap((blob) => [Buffer.from(Uint32Array.of(blob.length).buffer), Buffer.from(blob)]));
process.stdout.write(execFileSync("python3", ["-c", PYTHON], { input }));
