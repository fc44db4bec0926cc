/** Entry point: configuration, logger, node, signals. Wiring only. */
import { DRAIN_SECONDS } from "../shared/constants.js";
import { startNode } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./observability/logger.js";

let config;
try {
  config = loadConfig(process.env, { drainSeconds: DRAIN_SECONDS });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`meshboard: ${err.message}\n`);
  process.exit(2);
}

const log = createLogger(config.logLevel, config.nodeId);
const node = await startNode(config, log).catch((err) => {
  log.fatal({ err }, "could not start");
  process.exit(1);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    // The drain must finish well inside the pod's grace period; past it, exit anyway.
    setTimeout(() => {
      log.warn("drain took too long; exiting");
      process.exit(1);
    }, config.drainSeconds * 1000).unref();
    node.shutdown(signal).then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, "drain failed");
        process.exit(1);
      },
    );
  });
}
