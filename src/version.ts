/**
 * The engine's version, carried by every scenario link: a reader whose run gives another trace hash than the
 * author's is told which version made the link. It is package.json's version, so a release bumps it in one place.
 */
import { version } from "../package.json";

export const ENGINE_VERSION: string = version;
