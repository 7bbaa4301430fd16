// vitest global setup of the browser project: find (or unpack) Chromium once, before the test files start.
import { prepareChromium } from "./chromium";

export default async function setup() {
  await prepareChromium();
}
