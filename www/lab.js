// The Lab's loader (crates/lab): the playground's Experiments button adds
// this script to the page on first use. It adds the Lab's wasm-bindgen glue
// (no-modules: it declares `wasm_bindgen` with a top-level `let`, which only
// a classic script like this one can see) and starts it with the Lab's wasm;
// the Lab's `main` mounts it on #lab. Any failure hides #lab and is
// dispatched as `wildling:lab-failed` (detail: why, as text), which the
// playground shows (src/lab.rs).
(() => {
  const fail = (why) => {
    const host = document.getElementById("lab");
    if (host) host.hidden = true;
    window.dispatchEvent(new CustomEvent("wildling:lab-failed", { detail: String(why) }));
  };
  const glue = document.createElement("script");
  glue.src = "./wildling-lab.js";
  glue.onload = () => {
    if (typeof wasm_bindgen !== "function") {
      fail("wildling-lab.js did not define wasm_bindgen");
      return;
    }
    wasm_bindgen({ module_or_path: "./wildling-lab_bg.wasm" }).catch((e) =>
      fail(`wildling-lab_bg.wasm: ${(e && e.message) || e}`),
    );
  };
  glue.onerror = () => fail("wildling-lab.js could not be fetched");
  document.head.appendChild(glue);
})();
