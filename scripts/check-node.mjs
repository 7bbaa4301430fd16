// npm preinstall: the Node that runs `npm install` only installs; every npm script of the project runs on the
// Node 22 that the node@22 devDependency puts into node_modules/.bin (docs/decisions/016-self-contained-quick-start.md).
const [major] = process.versions.node.split(".").map(Number);
if (major < 20) {
  console.error(`Treue needs Node 20 or newer to install (this is ${process.version}); its scripts then run on Node 22 from npm.`);
  process.exit(1);
}
if (major < 22) {
  console.log(`Node ${process.version} runs npm here; npm scripts (demo, test, build) run on Node 22 from node_modules.`);
}
