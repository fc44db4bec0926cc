export { startServer, SERVER_ENTRY, type ServerProcess, type StartOptions } from "../../scripts/lib/node-process.js";
