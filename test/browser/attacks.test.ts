/** The attacks (attacks.ts) on a cross-origin isolated page: scripts run in realms without an engine. */
import { attackSuite } from "./attacks.ts";

attackSuite({ isolated: true });
