// Makes the OpenAPI 3.0 rendition of openapi.yaml (3.1) for clients and generators that read 3.0
// only: `node scripts/openapi-3.0.mjs openapi.yaml OUT.yaml`. The Maven build runs it (through
// scripts/openapi-3.0.sh) into target/classes, so the jar serves it as /openapi-3.0.yaml and .json;
// `make lint` validates what it makes. Never edited by hand, never committed.
//
// @apiture/openapi-down-convert does the conversion: type arrays with 'null' to nullable, const to
// a one-member enum, schema examples to example, license.identifier dropped, $ref siblings kept
// under allOf. This script then does what it leaves undone (info.summary, a license.identifier
// as an SPDX URL, exclusiveMinimum/Maximum as numbers, a falsy const) and refuses, naming the
// place, anything left that 3.0 cannot say, so that nothing is dropped without a decision here.
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { Converter } from "@apiture/openapi-down-convert";

// The fixed fields of OpenAPI 3.0.3's objects that this script checks.
const OPENAPI_KEYS = new Set(["openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs"]);
const INFO_KEYS = new Set(["title", "description", "termsOfService", "contact", "license", "version"]);
const LICENSE_KEYS = new Set(["name", "url"]);
const COMPONENTS_KEYS = new Set(["schemas", "responses", "parameters", "examples", "requestBodies", "headers",
  "securitySchemes", "links", "callbacks"]);
const SCHEMA_KEYS = new Set(["title", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
  "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties",
  "required", "enum", "type", "allOf", "oneOf", "anyOf", "not", "items", "properties", "additionalProperties",
  "description", "format", "default", "nullable", "discriminator", "readOnly", "writeOnly", "xml", "externalDocs",
  "example", "deprecated"]);

const [source, target] = process.argv.slice(2);
if (!source || !target) {
  console.error("usage: node scripts/openapi-3.0.mjs openapi.yaml OUT.yaml");
  process.exit(2);
}

// No timestamp type: an example's date stays the text the file gives, as the service reads it.
const schema = yaml.CORE_SCHEMA.extend({ implicit: [yaml.types.merge] });
const contract = yaml.load(fs.readFileSync(source, "utf8"), { schema });
if (!String(contract.openapi).startsWith("3.1.")) {
  fail(`${source} is OpenAPI ${contract.openapi}, not 3.1`);
}
const rendition = new Converter(contract, { allOfTransform: true }).convert();

info(contract.info, rendition.info);
checkKeys(rendition, "#", OPENAPI_KEYS);
checkKeys(rendition.components ?? {}, "#/components", COMPONENTS_KEYS);
for (const [at, node] of schemas(rendition)) {
  downConvert(node, at);
}

fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target,
  `# The OpenAPI 3.0 rendition of openapi.yaml (3.1), made from it by scripts/openapi-3.0.mjs at build time.\n`
  + `# Do not edit: change openapi.yaml.\n`
  + yaml.dump(rendition, { lineWidth: -1, noRefs: true }));

function info(from, to) {
  // 3.0's Info has no summary: it leads the description.
  if (from.summary !== undefined) {
    to.description = to.description === undefined ? from.summary : `${from.summary}\n\n${to.description}`;
    delete to.summary;
  }
  to.description = `${(to.description ?? "").trimEnd()}\n\nThis is the OpenAPI 3.0 rendition of the contract, \`/openapi.yaml\` (OpenAPI 3.1), `
    + "made from it when the service was built. Where the two differ, `/openapi.yaml` is the contract.\n";
  // 3.0's License has a url, no SPDX identifier: the identifier's page at SPDX says the same.
  const license = from.license;
  if (license?.identifier !== undefined && to.license.url === undefined) {
    to.license.url = `https://spdx.org/licenses/${license.identifier}.html`;
  }
  checkKeys(to, "#/info", INFO_KEYS);
  if (to.license) checkKeys(to.license, "#/info/license", LICENSE_KEYS);
}

/** Every schema object of the document, with its JSON pointer, each once, outer ones first. */
function* schemas(document) {
  const roots = [];
  for (const [name, node] of Object.entries(document.components?.schemas ?? {})) {
    roots.push([`#/components/schemas/${escape(name)}`, node]);
  }
  // Everywhere else a schema stands: parameters, headers and media types, wherever they are.
  const walk = (node, at) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, `${at}/${index}`));
    } else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "schema" && value !== null && typeof value === "object") {
          roots.push([`${at}/schema`, value]);
        } else if (!(at === "#/components" && key === "schemas") && !key.startsWith("x-") && key !== "example" && key !== "examples") {
          walk(value, `${at}/${escape(key)}`);
        }
      }
    }
  };
  walk(document, "#");
  const stack = roots.reverse();
  while (stack.length > 0) {
    const [at, node] = stack.pop();
    if (node === null || typeof node !== "object" || "$ref" in node) continue;
    yield [at, node];
    const inner = [];
    for (const key of ["properties"]) {
      for (const [name, sub] of Object.entries(node[key] ?? {})) inner.push([`${at}/${key}/${escape(name)}`, sub]);
    }
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      (node[key] ?? []).forEach((sub, index) => inner.push([`${at}/${key}/${index}`, sub]));
    }
    for (const key of ["items", "not", "additionalProperties"]) {
      if (node[key] !== null && typeof node[key] === "object") inner.push([`${at}/${key}`, node[key]]);
    }
    stack.push(...inner.reverse());
  }
}

/** What the converter leaves of JSON Schema 2020-12 in one schema, made 3.0's or refused. */
function downConvert(node, at) {
  if ("const" in node) {
    // The converter skips a falsy const (0, false, "").
    node.enum = [node.const];
    delete node.const;
  }
  // 2020-12's exclusive bounds are numbers; 3.0's are flags on minimum and maximum.
  for (const [exclusive, inclusive, stricter] of [
    ["exclusiveMinimum", "minimum", (a, b) => a >= b],
    ["exclusiveMaximum", "maximum", (a, b) => a <= b],
  ]) {
    if (typeof node[exclusive] !== "number") continue;
    if (node[inclusive] === undefined || stricter(node[exclusive], node[inclusive])) {
      node[inclusive] = node[exclusive];
      node[exclusive] = true;
    } else {
      delete node[exclusive];
    }
  }
  if (Array.isArray(node.examples) && node.examples.length === 0) delete node.examples;
  if (Array.isArray(node.type) || node.type === "null") {
    fail(`${at}: type ${JSON.stringify(node.type)}: 3.0 has one type per schema, and null only as nullable`);
  }
  if (node.nullable === true && node.type === undefined && node.allOf === undefined) {
    fail(`${at}: nullable without a type means nothing in 3.0`);
  }
  checkKeys(node, at, SCHEMA_KEYS);
}

function checkKeys(node, at, allowed) {
  for (const key of Object.keys(node)) {
    if (!allowed.has(key) && !key.startsWith("x-")) {
      fail(`${at}: OpenAPI 3.0 has no '${key}' here; map or drop it in scripts/openapi-3.0.mjs`);
    }
  }
}

function escape(name) {
  return String(name).replaceAll("~", "~0").replaceAll("/", "~1");
}

function fail(message) {
  console.error(`openapi-3.0: ${message}`);
  process.exit(1);
}
