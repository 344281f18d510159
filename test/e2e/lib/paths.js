// Where the repository and the e2e artifacts (logs, screenshots) are, for every e2e module.
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../../..");
// E2E_ARTIFACTS_DIR moves them (test/chaos keeps its own logs apart from the e2e suite's).
export const artifactsDir = process.env.E2E_ARTIFACTS_DIR ? path.resolve(process.env.E2E_ARTIFACTS_DIR) : path.join(repoRoot, "test/e2e/artifacts");
