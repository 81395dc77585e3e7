// A static server for the release build, mounted under a sub-path the way a
// static host would serve it (https://example.org/wildling/). Loopback only.
// Usage: node e2e/serve.mjs [port] [dir] [base]
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

const port = Number(process.argv[2] ?? 4173);
const root = resolve(process.argv[3] ?? "dist");
const base = process.argv[4] ?? "/wildling/";

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
};

createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (!path.startsWith(base)) {
    res.writeHead(404).end("outside the served sub-path");
    return;
  }
  let file = normalize(join(root, path.slice(base.length)));
  if (!file.startsWith(root)) {
    res.writeHead(403).end();
    return;
  }
  try {
    if ((await stat(file)).isDirectory()) file = join(file, "index.html");
    const body = await readFile(file);
    // A sandboxed iframe (no allow-same-origin) has an opaque origin, so its
    // module script and wasm are cross-origin requests: like GitHub Pages,
    // allow any origin to read these public files.
    res.writeHead(200, {
      "content-type": types[extname(file)] ?? "application/octet-stream",
      "access-control-allow-origin": "*",
    });
    res.end(body);
  } catch {
    res.writeHead(404).end("not found");
  }
}).listen(port, "127.0.0.1", () => console.log(`serving ${root} at http://127.0.0.1:${port}${base}`));
