#!/usr/bin/env bash
# Lints openapi.yaml with Redocly CLI (from node_modules, installed by `make lint`) and the rules
# of redocly.yaml. Redocly exits non-zero on errors only; this fails on any problem it reports,
# warnings too, so that a new finding is either fixed or turned off in redocly.yaml with its
# reason; and on a redocly.yaml it cannot read. Run by `make lint`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# The CLI is pinned in package-lock.json: a notice that a newer one exists is noise here.
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
report="$(node_modules/.bin/redocly lint --config redocly.yaml --lint-config error --format=json lro 2>"$log")" || true
node -e '
  let report;
  try {
    report = JSON.parse(process.argv[1]);
  } catch (e) {
    console.error(require("fs").readFileSync(process.argv[2], "utf8"));
    console.error("redocly lint: no report: " + e.message);
    process.exit(1);
  }
  for (const p of report.problems) {
    const where = p.location.map(l => l.source.ref + " " + l.pointer).join(", ");
    console.error(p.severity + " " + p.ruleId + " at " + where + ": " + p.message);
  }
  const { errors, warnings } = report.totals;
  console.log("redocly lint " + report.version + ": " + report.problems.length + " problems: " + errors + " errors, "
    + warnings + " warnings (the recommended rules, as redocly.yaml amends them)");
  process.exit(report.problems.length === 0 ? 0 : 1);
' "$report" "$log"
