// Where the repository and the e2e artifacts (logs, screenshots) are, for every e2e module.
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../../..");
export const artifactsDir = path.join(repoRoot, "test/e2e/artifacts");
