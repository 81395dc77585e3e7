// Tests of the post-build hook tools/shrink-glue.mjs, run by `./dev test`
// (`node --test tools/`). The first fails loudly when wasm-bindgen moves on
// without the hook; the others check what it writes.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { WASM_BINDGEN_VERSION, lockedWasmBindgen, shortName, shrink } from "./shrink-glue.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

test("the hook reads the glue of the wasm-bindgen that Cargo.lock, Cargo.toml and Trunk.toml pin", () => {
  const message =
    `tools/shrink-glue.mjs reads wasm-bindgen ${WASM_BINDGEN_VERSION}'s glue: after a wasm-bindgen ` +
    "change, check how the new glue keys imports and reads exports, then update WASM_BINDGEN_VERSION";
  assert.equal(lockedWasmBindgen(root), WASM_BINDGEN_VERSION, message);
  const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
  assert.match(cargo, new RegExp(`^wasm-bindgen = "=${WASM_BINDGEN_VERSION.replaceAll(".", "\\.")}"$`, "m"), message);
  const trunk = readFileSync(join(root, "Trunk.toml"), "utf8");
  assert.match(trunk, new RegExp(`^wasm_bindgen = "${WASM_BINDGEN_VERSION.replaceAll(".", "\\.")}"$`, "m"), message);
});

test("short names are distinct identifiers: a..z, A..Z, then two letters", () => {
  const names = Array.from({ length: 3000 }, (_, n) => shortName(n));
  assert.deepEqual(names.slice(0, 3), ["a", "b", "c"]);
  assert.equal(names[51], "Z");
  assert.equal(names[52], "aa");
  assert.equal(new Set(names).size, names.length);
  for (const name of names) assert.match(name, /^[A-Za-z]+$/);
});

/** A length-prefixed UTF-8 name, as the wasm binary format writes one. */
const name = (text) => [text.length, ...Buffer.from(text)];
/** A section: id, size (all fixtures are under 128 bytes) and body. */
const section = (id, body) => [id, body.length, ...body];

/**
 * A wasm module shaped as wasm-bindgen's output: two hashed function
 * imports from "wbg", a memory and a function export, and the glue that
 * keys the imports (`name: function(`) and reads the exports (`wasm.name`).
 */
function fixture() {
  const imports = ["__wbg_log_9cda61cd48ab1b97", "__wbg_now_0123456789abcdef"];
  const wasm = Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 0]), // one type: () -> ()
    ...section(2, [2, ...imports.flatMap((field) => [...name("wbg"), ...name(field), 0, 0])]),
    ...section(3, [1, 0]), // one function of type 0
    ...section(5, [1, 0, 1]), // one memory of at least a page
    ...section(7, [2, ...name("memory"), 2, 0, ...name("__wbindgen_start_fn"), 0, 2]),
    ...section(10, [1, 2, 0, 0x0b]), // its body: nothing
  ]);
  const glue = [
    "function __wbg_get_imports() {",
    "    const imports = {};",
    "    imports.wbg = {",
    `        ${imports[0]}: function(arg0) {`,
    "            // wasm-bindgen explains each cast in a comment",
    "            console.log(arg0);",
    "        },",
    `        ${imports[1]}: function() {`,
    "            return Date.now();",
    "        },",
    "    };",
    "    return imports;",
    "}",
    "function __wbg_finalize_init(instance) {",
    "    wasm = instance.exports;",
    "    wasm.__wbindgen_start_fn();",
    "    return wasm;",
    "}",
    "export { __wbg_finalize_init };",
    "",
  ].join("\n");
  return { wasm, glue, imports };
}

test("a wasm and its glue get the same short names, and index.html their new hashes", () => {
  const dir = mkdtempSync(join(tmpdir(), "shrink-glue-"));
  const { wasm, glue, imports } = fixture();
  writeFileSync(join(dir, "app_bg.wasm"), wasm);
  writeFileSync(join(dir, "app.js"), glue);
  // The worker's and the Lab's files sit beside the app's and are not the app's.
  const workerFiles = [
    "wildling-worker.js",
    "wildling-worker_bg.wasm",
    "wildling-worker_loader.js",
    "wildling-lab.js",
    "wildling-lab_bg.wasm",
    "lab.js",
  ];
  for (const f of workerFiles) writeFileSync(join(dir, f), `worker ${f}`);
  writeFileSync(
    join(dir, "index.html"),
    '<link rel="modulepreload" href="./app.js" integrity="sha384-old">\n' +
      '<link rel="preload" href="./app_bg.wasm" integrity="sha384-old">\n',
  );
  shrink(dir);
  for (const f of workerFiles) assert.equal(readFileSync(join(dir, f), "utf8"), `worker ${f}`);
  const module = new WebAssembly.Module(readFileSync(join(dir, "app_bg.wasm")));
  const js = readFileSync(join(dir, "app.js"), "utf8");
  assert.deepEqual(WebAssembly.Module.imports(module).map((i) => i.name), ["a", "b"]);
  assert.deepEqual(WebAssembly.Module.exports(module).map((e) => e.name), ["a", "b"]);
  for (const old of [...imports, "__wbindgen_start_fn"]) assert.ok(!js.includes(old), `${old} is still in the glue`);
  assert.match(js, /^a: function\(arg0\) \{$/m);
  assert.match(js, /^b: function\(\) \{$/m);
  assert.match(js, /^wasm\.b\(\);$/m);
  assert.ok(!/^[ \t]/m.test(js), "the glue keeps indentation");
  assert.ok(!js.includes("// wasm-bindgen explains"), "the glue keeps its comments");
  assert.match(js, /^export \{ __wbg_finalize_init \};$/m, "an exported function was renamed");
  const html = readFileSync(join(dir, "index.html"), "utf8");
  assert.equal((html.match(/integrity="sha384-[A-Za-z0-9+/=]{64}"/g) ?? []).length, 2);
  // The module still links: each import is found in the glue's imports object.
  const keys = [...js.matchAll(/^([A-Za-z]+): function\(/gm)].map((m) => m[1]);
  new WebAssembly.Instance(module, { wbg: Object.fromEntries(keys.map((k) => [k, () => {}])) });
});

test("a glue that does not key an import where the hook expects it stops the build", () => {
  const dir = mkdtempSync(join(tmpdir(), "shrink-glue-"));
  const { wasm, glue, imports } = fixture();
  writeFileSync(join(dir, "app_bg.wasm"), wasm);
  writeFileSync(join(dir, "app.js"), glue.replace(`${imports[1]}: function(`, `${imports[1]}(`));
  writeFileSync(join(dir, "index.html"), "");
  assert.throws(() => shrink(dir), /import __wbg_now_0123456789abcdef is keyed 0 times/);
});

// The shipped app (./dev test runs this after `trunk build --release`).
test("the built app's imports and exports are all keyed in its shrunk glue", (t) => {
  const dist = join(root, "dist");
  const files = existsSync(dist) ? readdirSync(dist) : [];
  const wasmFile = files.find((f) => f.endsWith("_bg.wasm"));
  const jsFile = files.find((f) => f.endsWith(".js") && f.startsWith("wildling-app"));
  if (!wasmFile || !jsFile) {
    t.skip("no dist/: run `./dev build` first");
    return;
  }
  const module = new WebAssembly.Module(readFileSync(join(dist, wasmFile)));
  const js = readFileSync(join(dist, jsFile), "utf8");
  const imports = WebAssembly.Module.imports(module).filter((i) => i.kind === "function");
  assert.ok(imports.length > 50, `only ${imports.length} function imports`);
  for (const { name } of imports) {
    assert.match(name, /^[A-Za-z]{1,3}$/, `import ${name} kept its long name`);
    assert.ok(js.includes(`\n${name}: function(`), `import ${name} is not keyed in ${jsFile}`);
  }
  for (const { name } of WebAssembly.Module.exports(module)) {
    assert.match(name, /^[A-Za-z]{1,3}$/, `export ${name} kept its long name`);
  }
});
