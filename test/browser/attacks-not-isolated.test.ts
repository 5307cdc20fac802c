/** The attacks (attacks.ts) on a page that is not cross-origin isolated: scripts run in realms with an engine of their own. */
import { attackSuite } from "./attacks.ts";

attackSuite({ isolated: false });
