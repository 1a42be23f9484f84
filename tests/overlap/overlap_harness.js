// Runs the browser side's overlap code under node for tests/overlap/test_overlap_in_javascript.py:
// reads one JSON command on standard input, writes the answer as JSON.
const fs = require("fs");
const path = require("path");
const dir = process.argv[2];
const accounts = require(path.join(dir, "accounts.js"));
const steps = require(path.join(dir, "psi-steps.js"));
const PSI = require(path.join(dir, "psi_wasm_worker.js"));

(async () => {
  const input = JSON.parse(fs.readFileSync(0, "utf8"));
  let out;
  if (input.step === "read") {
    const reader = accounts.make(input.config);
    try {
      const list = reader.read(input.text);
      out = { keys: list.map(reader.key), sets: reader.kindSets(list) };
    } catch (e) {
      out = { error: e.message };
    }
  } else {
    const psi = await PSI();
    if (input.step === "prepare") out = steps.prepare(psi, input.sets, input.reveal);
    if (input.step === "respond") out = steps.respond(psi, input.sets, input.request, input.reveal);
    if (input.step === "finish") out = steps.finish(psi, input.secret, input.sets, input.reply);
  }
  process.stdout.write(JSON.stringify(out));
})();
