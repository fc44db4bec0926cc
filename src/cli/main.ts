/** The `meshboard` command: dispatches to its subcommands. */
import { DOCTOR_USAGE, doctorCommand } from "./doctor.js";

const USAGE = `usage: meshboard <command>

commands:
  doctor <url>   check a deployment: affinity, spread, websockets, cross-node strokes, latency

${DOCTOR_USAGE}`;

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

const [command, ...rest] = process.argv.slice(2);
let code: number;
switch (command) {
  case "doctor":
    code = await doctorCommand(rest, out, err);
    break;
  case undefined:
  case "help":
  case "--help":
  case "-h":
    out(USAGE);
    code = command === undefined ? 2 : 0;
    break;
  default:
    err(`meshboard: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    code = 2;
}
// Exit explicitly: a client socket or keep-alive connection left open must not hold the process.
process.stdout.write("", () => process.exit(code));
