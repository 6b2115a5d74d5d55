// Parse Mermaid files with Mermaid's own parser (test_export.py runs this when
// PAPERVAULT_MERMAID_NODE_MODULES names a node_modules holding mermaid and jsdom).
// Prints one JSON line per file: ok, the diagram type, each node's label, the edge count.
import { JSDOM } from "jsdom";
import { readFileSync } from "node:fs";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

// Mermaid keeps entity codes as placeholders until it renders; decode them as it does.
const scratch = dom.window.document.createElement("div");
function decode(text) {
  const html = text.replace(/ﬂ°°(\d+)¶ß/g, "&#$1;").replace(/ﬂ°(\w+)¶ß/g, "&$1;");
  scratch.innerHTML = html;
  return scratch.textContent;
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  try {
    const parsed = await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const labels = {};
    for (const [id, vertex] of diagram.db.getVertices()) labels[id] = decode(vertex.text);
    const edges = diagram.db.getEdges().length;
    console.log(JSON.stringify({ file, ok: true, type: parsed.diagramType, labels, edges }));
  } catch (error) {
    failed += 1;
    console.log(JSON.stringify({ file, ok: false, error: String(error.message || error) }));
  }
}
process.exit(failed ? 1 : 0);
