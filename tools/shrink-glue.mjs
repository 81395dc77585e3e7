// Trunk's post-build hook (Trunk.toml): gives the names that join the app's
// wasm to its JavaScript glue one or two letters, in both files, renames the
// glue's own helper functions, and strips its indentation and line comments.
//
// wasm-bindgen names every import after its Rust binding plus a hash
// (`__wbg_new_with_u8_array_sequence_9cda61cd48ab1b97`) and every closure
// shim export after its symbol; the hashes are random text, which gzip cannot
// shrink, and each name is written once in the wasm and once in the glue. A
// short name in both saves about 6 KB of the shipped app (gzip -9). Nothing
// else changes: the glue's functions are the same, keyed differently. The
// glue's indentation and its comments (wasm-bindgen explains each cast in
// one) are another 1 KB; the glue has no multi-line string or template, so
// no line's leading blanks are content (checked). Its helper functions
// (the closure shims are named after symbol hashes too) renamed `$a`, `$b`,
// ... save 0.3 KB more.
//
// The wasm's import and export sections are rewritten (their names only);
// in the glue, each import is the key of one property of the imports object
// (`name: function(`), and each export is read as `wasm.name`. Any name not
// found exactly where expected stops the build. Last, the `integrity`
// hashes in index.html are computed again for the two rewritten files.
//
// It reads the glue of one wasm-bindgen version, WASM_BINDGEN_VERSION: the
// build stops when Cargo.lock names another, and so does its test
// (tools/shrink-glue.test.mjs, run by `./dev test`), which also shrinks a
// small wasm and glue and checks that the shipped app's imports and exports
// are keyed in its glue. An established minifier cannot replace it: terser
// and esbuild shrink the glue alone and leave the wasm's names, 6.0 KB
// (gzip) more than this (docs/size.md).

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The Web Worker's files (crates/worker: `wildling-worker.js`, its
 * `_bg.wasm` and `_loader.js`), the Lab's (crates/lab: `wildling-lab.js`
 * and `_bg.wasm`) and the Lab's loader `lab.js` are left alone: their
 * no-modules glue is another shape, and they are not part of the shipped
 * app's first load.
 */
export const NOT_THE_APP = ["wildling-worker", "wildling-lab", "lab.js"];

/** The wasm-bindgen whose glue this reads (Cargo.toml pins it with `=`). */
export const WASM_BINDGEN_VERSION = "0.2.130";

/** The wasm-bindgen version in the Cargo.lock at `root`. */
export function lockedWasmBindgen(root) {
  const lock = readFileSync(join(root, "Cargo.lock"), "utf8");
  return lock.match(/^name = "wasm-bindgen"\nversion = "([^"]+)"/m)?.[1];
}

/** A short identifier for index `n`: a..z, A..Z, then two letters, and so on. */
export function shortName(n) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let s = "";
  for (;;) {
    s = letters[n % 52] + s;
    n = Math.floor(n / 52);
    if (n === 0) return s;
    n -= 1;
  }
}

/** A reader of one section's bytes (LEB128 numbers, length-prefixed names). */
function reader(bytes) {
  let at = 0;
  const u32 = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return value;
    }
  };
  const name = () => {
    const length = u32();
    const text = Buffer.from(bytes.subarray(at, at + length)).toString("utf8");
    at += length;
    return text;
  };
  return { u32, name, byte: () => bytes[at++], get at() { return at; }, set at(v) { at = v; } };
}

function leb(n) {
  const out = [];
  for (;;) {
    const b = n % 128;
    n = Math.floor(n / 128);
    if (n === 0) return [...out, b];
    out.push(b | 0x80);
  }
}

const str = (text) => {
  const bytes = Buffer.from(text, "utf8");
  return [...leb(bytes.length), ...bytes];
};

/** Skip an import's description after its kind byte (function, table, memory, global, tag). */
function skipImport(r, kind) {
  const limits = () => {
    const flags = r.byte();
    r.u32();
    if (flags & 1) r.u32();
  };
  if (kind === 0) r.u32();
  else if (kind === 1) {
    r.byte();
    limits();
  } else if (kind === 2) limits();
  else if (kind === 3) {
    r.byte();
    r.byte();
  } else if (kind === 4) {
    r.byte();
    r.u32();
  } else throw new Error(`shrink-glue: unknown import kind ${kind}`);
}

/**
 * Shrink the app in trunk's staging folder `dir`: its `*_bg.wasm`, its glue
 * `*.js` and the integrity hashes in `index.html`, in place (the worker's
 * and the Lab's files, [NOT_THE_APP], are not the app's).
 */
export function shrink(dir) {
  const only = (suffix) => {
    const found = readdirSync(dir).filter((f) => f.endsWith(suffix) && !NOT_THE_APP.some((p) => f.startsWith(p)));
    if (found.length !== 1) throw new Error(`shrink-glue: ${found.length} files *${suffix} in ${dir}`);
    return found[0];
  };
  const wasmFile = only("_bg.wasm");
  const jsFile = only(".js");
  const wasm = readFileSync(join(dir, wasmFile));
  const imports = new Map();
  const exports = new Map();
  const rename = (names, old) => {
    if (!names.has(old)) names.set(old, shortName(names.size));
    return names.get(old);
  };
  const out = [wasm.subarray(0, 8)];
  const top = reader(wasm);
  top.at = 8;
  while (top.at < wasm.length) {
    const id = top.byte();
    const size = top.u32();
    let body = wasm.subarray(top.at, top.at + size);
    top.at += size;
    if (id === 2 || id === 7) {
      const r = reader(body);
      const count = r.u32();
      const next = [...leb(count)];
      for (let i = 0; i < count; i++) {
        if (id === 2) {
          const module = r.name();
          const field = r.name();
          const start = r.at;
          const kind = r.byte();
          skipImport(r, kind);
          next.push(...str(module), ...str(rename(imports, field)), ...body.subarray(start, r.at));
        } else {
          const field = r.name();
          const start = r.at;
          r.byte();
          r.u32();
          next.push(...str(rename(exports, field)), ...body.subarray(start, r.at));
        }
      }
      if (r.at !== body.length) throw new Error(`shrink-glue: section ${id} has trailing bytes`);
      body = Buffer.from(next);
    }
    out.push(Buffer.from([id, ...leb(body.length)]), body);
  }

  /**
   * The glue with its own top-level functions (`function name(`, not exported)
   * renamed `$a`, `$b`, ...: the closure shims carry a symbol hash in their
   * names. A name also found after a quote or a dot (a string or a property)
   * is left alone.
   */
  function renameFunctions(glue) {
    const exported = new Set((glue.match(/^export \{([^}]*)\}/m)?.[1] ?? "").split(/[\s,]+/));
    if (/\$[A-Za-z]/.test(glue)) throw new Error("shrink-glue: the glue already uses $-names");
    let n = 0;
    for (const [, name] of glue.matchAll(/^function ([A-Za-z_][\w$]*)\(/gm)) {
      if (exported.has(name) || name.length < 8) continue;
      if (new RegExp(`["'\`.]${escape(name)}(?![\\w$])`).test(glue)) continue;
      glue = glue.replace(new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`, "g"), `$$${shortName(n++)}`);
    }
    return glue;
  }

  /** The glue without indentation, line comments and blank lines. */
  function strip(glue) {
    glue.split("\n").forEach((line, i) => {
      if ((line.match(/`/g) ?? []).length % 2 !== 0) {
        throw new Error(`shrink-glue: line ${i + 1} of the glue opens a multi-line template`);
      }
    });
    return glue.replace(/^[ \t]+/gm, "").replace(/^\/\/.*\n/gm, "").replace(/\n{2,}/g, "\n");
  }

  const escape = (s) => s.replace(/[$]/g, "\\$&");
  let js = readFileSync(join(dir, jsFile), "utf8");
  for (const [old, short] of imports) {
    let count = 0;
    js = js.replace(new RegExp(`(?<![\\w$])${escape(old)}(?=: function\\()`, "g"), () => {
      count++;
      return short;
    });
    if (count !== 1) throw new Error(`shrink-glue: import ${old} is keyed ${count} times in ${jsFile}`);
  }
  for (const [old, short] of exports) {
    let count = 0;
    js = js.replace(new RegExp(`(?<=\\bwasm\\.)${escape(old)}(?![\\w$])`, "g"), () => {
      count++;
      return short;
    });
    // The start function and some shims are read only by the wasm itself.
    if (count === 0 && !js.includes(old)) continue;
    if (count === 0) throw new Error(`shrink-glue: export ${old} is used in ${jsFile}, not as wasm.${old}`);
  }

  const wasmOut = Buffer.concat(out);
  writeFileSync(join(dir, wasmFile), wasmOut);
  js = strip(renameFunctions(js));
  writeFileSync(join(dir, jsFile), js);

  const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
  const htmlPath = join(dir, "index.html");
  let html = readFileSync(htmlPath, "utf8");
  for (const [file, bytes] of [[wasmFile, wasmOut], [jsFile, Buffer.from(js, "utf8")]]) {
    html = html.replace(/<link [^>]*>/g, (link) =>
      link.includes(`href="./${file}"`)
        ? link.replace(/integrity="[^"]*"/, `integrity="${sri(bytes)}"`)
        : link,
    );
  }
  writeFileSync(htmlPath, html);
}

// Run by trunk's post-build hook (Trunk.toml), from the project's root.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const locked = lockedWasmBindgen(root);
  if (locked !== WASM_BINDGEN_VERSION) {
    throw new Error(
      `shrink-glue: written for the glue of wasm-bindgen ${WASM_BINDGEN_VERSION}, but Cargo.lock has ${locked}: ` +
        "check how the new glue keys imports and reads exports, then update WASM_BINDGEN_VERSION",
    );
  }
  const dir = process.env.TRUNK_STAGING_DIR;
  if (!dir) throw new Error("shrink-glue: TRUNK_STAGING_DIR is not set (run by trunk)");
  shrink(dir);
}
