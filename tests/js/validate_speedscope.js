// Validates a speedscope file against the schema the speedscope npm package ships, then
// prints what a test compares: per profile its name, unit, sample count and total weight.
// Usage: node validate_speedscope.js FILE
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv");

const schemaPath = path.join(path.dirname(require.resolve("speedscope/package.json")),
                             "dist", "release", "file-format-schema.json");
const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
const file = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true });
const validate = ajv.compile(schema);
if (!validate(file)) {
  console.error("invalid against " + schemaPath + ":\n" + ajv.errorsText(validate.errors, { separator: "\n" }));
  process.exit(1);
}
// What the schema cannot say: indices in range, one weight per sample.
const nframes = file.shared.frames.length;
for (const p of file.profiles) {
  if (p.weights.length !== p.samples.length)
    throw new Error(p.name + ": " + p.weights.length + " weights for " + p.samples.length + " samples");
  for (const s of p.samples)
    for (const f of s)
      if (!Number.isInteger(f) || f < 0 || f >= nframes)
        throw new Error(p.name + ": frame index " + f + " out of range");
  const total = p.weights.reduce((a, b) => a + b, 0);
  if (total !== p.endValue - p.startValue)
    throw new Error(p.name + ": weights add to " + total + ", endValue says " + p.endValue);
  console.log(["profile", p.name, p.unit, p.samples.length, total].join("\t"));
}
// Self weight per leaf frame name, for comparison with the report.
const self = new Map();
const p = file.profiles[file.activeProfileIndex || 0];
p.samples.forEach((s, i) => {
  const name = file.shared.frames[s[s.length - 1]].name;
  self.set(name, (self.get(name) || 0) + p.weights[i]);
});
for (const [name, w] of self) console.log(["self", name, w].join("\t"));
