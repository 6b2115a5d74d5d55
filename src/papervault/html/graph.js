/* papervault graph view: a force-directed layout drawn on a canvas, written for papervault.
 *
 * Reads the graph from <script id="pv-data"> (see papervault.html.page_data), lays it out
 * with a Barnes-Hut simulation that cools and stops, and draws it into an off-screen
 * "scene" canvas that is blitted to the screen. When a scene is expensive (many edges),
 * panning and zooming move the cached scene and redraw it only when the user pauses, so
 * the page stays smooth at 10,000 nodes and 100,000 edges.
 */
(() => {
  "use strict";

  const startedAt = performance.now();

  // ---------------------------------------------------------------- constants

  const NOTE = 0;
  const PAPER = 1;
  const TAG = 2;
  const UNRESOLVED = 3;
  const OTHER = 4;
  const KIND_CODES = { note: NOTE, paper: PAPER, tag: TAG, unresolved: UNRESOLVED };
  const KIND_NAMES = ["note", "paper", "tag", "unresolved", "other"];

  // Drawing categories; a draft note is drawn hollow in the note colour.
  const CAT_NOTE = 0;
  const CAT_PAPER_NOTE = 1;
  const CAT_PAPER = 2;
  const CAT_TAG = 3;
  const CAT_UNRESOLVED = 4;
  const CAT_OTHER = 5;
  const CAT_DRAFT = 6;
  const CATEGORIES = [
    { key: "note", label: "note", color: "#3b6fb6" },
    { key: "paper-note", label: "paper with a note", color: "#2e9d58" },
    { key: "paper", label: "paper without a note", color: "#f08c1a" },
    { key: "tag", label: "tag", color: "#a45ea0" },
    { key: "unresolved", label: "unresolved link", color: "#d8394a" },
    { key: "other", label: "other", color: "#8a939e" },
    { key: "draft", label: "draft note", color: "#3b6fb6", hollow: true },
  ];
  const EDGE_COLORS = {
    links: "110,122,138",
    embeds: "62,86,128",
    cites: "224,122,20",
    describes: "46,157,88",
    tagged: "164,94,160",
  };
  const DEFAULT_EDGE_COLOR = "140,140,140";
  const BACKGROUND = "#ffffff";
  const LABEL_FONT_PX = 12;
  const MAX_LABELS = 300;
  const MAX_PANEL_ITEMS = 200;
  const MIN_NODE_PX = 1.5;
  const DRAG_THRESHOLD_PX = 4;
  const EXPENSIVE_SCENE = 30000; // edges + 2 × nodes above which panning reuses the scene
  const IDLE_REDRAW_MS = 140;
  const SETTLE_REDRAW_MS = 400;

  // ---------------------------------------------------------------- data

  const raw = JSON.parse(document.getElementById("pv-data").textContent);
  const nodeData = raw.nodes;
  const N = nodeData.length;
  const ids = new Array(N);
  const indexOf = new Map();
  const kind = new Uint8Array(N);
  const isDraft = new Uint8Array(N);
  const labels = new Array(N);
  const noteByPath = new Map();

  const afterPrefix = (id) => {
    const colon = id.indexOf(":");
    return colon < 0 ? id : id.slice(colon + 1);
  };
  const asList = (value) => (value == null ? [] : Array.isArray(value) ? value : [value]);
  const isTrue = (value) => value === true || value === "true" || value === "True";

  for (let i = 0; i < N; i++) {
    const d = nodeData[i];
    const id = String(d.id);
    ids[i] = id;
    indexOf.set(id, i);
    const k = KIND_CODES[d.kind] ?? OTHER;
    kind[i] = k;
    if (k === NOTE) {
      isDraft[i] = isTrue(d.draft) ? 1 : 0;
      if (d.path != null) noteByPath.set(String(d.path), i);
      labels[i] = String(d.title || d.path || afterPrefix(id));
    } else if (k === TAG) {
      labels[i] = "#" + String(d.label || afterPrefix(id));
    } else if (k === UNRESOLVED) {
      labels[i] = String(d.target || afterPrefix(id));
    } else {
      labels[i] = id;
    }
  }

  const edgeKinds = raw.edgeKinds;
  const syntaxes = raw.syntaxes;
  const KE = (name) => edgeKinds.indexOf(name);
  const E_LINKS = KE("links");
  const E_EMBEDS = KE("embeds");
  const E_CITES = KE("cites");
  const E_DESCRIBES = KE("describes");
  const E_TAGGED = KE("tagged");
  const M = raw.edges.length;
  const src = new Int32Array(M);
  const dst = new Int32Array(M);
  const ekind = new Uint8Array(M);
  const ecount = new Int32Array(M);
  const esyntax = new Int8Array(M);
  const elines = new Array(M);
  const degree = new Int32Array(N);
  for (let e = 0; e < M; e++) {
    const r = raw.edges[e];
    src[e] = r[0];
    dst[e] = r[1];
    ekind[e] = r[2];
    esyntax[e] = r[3];
    ecount[e] = r[4];
    elines[e] = r[5];
    degree[r[0]]++;
    if (r[1] !== r[0]) degree[r[1]]++;
  }
  raw.edges = null; // the typed arrays hold everything now

  // Compressed adjacency: edges leaving and entering each node.
  function csr(ends) {
    const start = new Int32Array(N + 1);
    for (let e = 0; e < M; e++) start[ends[e] + 1]++;
    for (let i = 0; i < N; i++) start[i + 1] += start[i];
    const fill = start.slice(0, N);
    const list = new Int32Array(M);
    for (let e = 0; e < M; e++) list[fill[ends[e]]++] = e;
    return { start, list };
  }
  const OUT = csr(src);
  const IN = csr(dst);

  const hasNote = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    if (kind[i] === PAPER && nodeData[i].note != null && nodeData[i].note !== "") hasNote[i] = 1;
  }
  for (let e = 0; e < M; e++) {
    if (ekind[e] !== E_DESCRIBES) continue;
    if (kind[src[e]] === PAPER) hasNote[src[e]] = 1;
    if (kind[dst[e]] === PAPER) hasNote[dst[e]] = 1;
  }

  const category = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const k = kind[i];
    category[i] =
      k === NOTE ? (isDraft[i] ? CAT_DRAFT : CAT_NOTE)
      : k === PAPER ? (hasNote[i] ? CAT_PAPER_NOTE : CAT_PAPER)
      : k === TAG ? CAT_TAG
      : k === UNRESOLVED ? CAT_UNRESOLVED
      : CAT_OTHER;
  }
  const categoryNodes = CATEGORIES.map((_, c) => {
    const list = [];
    for (let i = 0; i < N; i++) if (category[i] === c) list.push(i);
    return Int32Array.from(list);
  });
  const edgesByKind = edgeKinds.map((_, k) => {
    const list = [];
    for (let e = 0; e < M; e++) if (ekind[e] === k) list.push(e);
    return Int32Array.from(list);
  });
  const radius = new Float64Array(N);
  for (let i = 0; i < N; i++) radius[i] = Math.min(4 + 1.6 * Math.sqrt(degree[i]), 28);
  const byDegree = Int32Array.from({ length: N }, (_, i) => i).sort(
    (a, b) => degree[b] - degree[a] || a - b,
  );

  // ---------------------------------------------------------------- visibility

  const toggles = { tags: true, papers: true, unresolved: true, drafts: true };
  const visible = new Uint8Array(N);
  let visibleNodes = 0;
  let visibleEdges = 0;

  function hiddenByToggle(i) {
    const k = kind[i];
    return (
      (k === TAG && !toggles.tags)
      || (k === PAPER && !toggles.papers)
      || (k === UNRESOLVED && !toggles.unresolved)
      || (isDraft[i] === 1 && !toggles.drafts)
    );
  }

  function updateVisibility() {
    visibleNodes = 0;
    for (let i = 0; i < N; i++) {
      visible[i] = hiddenByToggle(i) ? 0 : 1;
      visibleNodes += visible[i];
    }
    visibleEdges = 0;
    for (let e = 0; e < M; e++) if (visible[src[e]] && visible[dst[e]]) visibleEdges++;
  }

  // ---------------------------------------------------------------- layout

  const x = new Float64Array(N);
  const y = new Float64Array(N);
  const vx = new Float64Array(N);
  const vy = new Float64Array(N);
  const pinned = new Uint8Array(N);
  const pinX = new Float64Array(N);
  const pinY = new Float64Array(N);

  const SPACING = 16;
  const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

  /* A cheap starting layout with locality, so the simulation untangles little: every
   * connected component is a radial BFS tree (each child gets a wedge of its parent's angle
   * proportional to its subtree, and each BFS level an annulus of area proportional to its
   * size), and components are packed on a sunflower spiral, largest first. O(N + M). */
  function initialLayout() {
    const seen = new Uint8Array(N);
    const parent = new Int32Array(N).fill(-1);
    const depth = new Int32Array(N);
    const queue = new Int32Array(N);
    const childStart = new Int32Array(N);
    const childEnd = new Int32Array(N);
    const components = [];
    let tail = 0;
    for (const root of byDegree) {
      if (seen[root]) continue;
      const start = tail;
      queue[tail++] = root;
      seen[root] = 1;
      for (let head = start; head < tail; head++) {
        const v = queue[head];
        childStart[v] = tail;
        for (const adj of [OUT, IN]) {
          const ends = adj === OUT ? dst : src;
          for (let p = adj.start[v]; p < adj.start[v + 1]; p++) {
            const u = ends[adj.list[p]];
            if (seen[u]) continue;
            seen[u] = 1;
            parent[u] = v;
            depth[u] = depth[v] + 1;
            queue[tail++] = u;
          }
        }
        childEnd[v] = tail;
      }
      components.push([start, tail]);
    }
    const subtree = new Float64Array(N).fill(1);
    const wedgeStart = new Float64Array(N);
    const wedgeWidth = new Float64Array(N);
    components.sort((a, b) => b[1] - b[0] - (a[1] - a[0]));
    let packedArea = 0;
    components.forEach(([start, end], j) => {
      const size = end - start;
      for (let h = end - 1; h > start; h--) subtree[parent[queue[h]]] += subtree[queue[h]];
      const atDepth = [];
      for (let h = start; h < end; h++) {
        const d = depth[queue[h]];
        atDepth[d] = (atDepth[d] || 0) + 1;
      }
      const ring = [0];
      let cumulative = 0;
      for (let d = 0; d < atDepth.length; d++) {
        cumulative += atDepth[d];
        ring.push(SPACING * Math.sqrt(cumulative));
      }
      const root = queue[start];
      wedgeStart[root] = 0;
      wedgeWidth[root] = 2 * Math.PI;
      let cx = 0;
      let cy = 0;
      if (j > 0) {
        const r = SPACING * Math.sqrt(packedArea + size / 2) * 1.1;
        cx = r * Math.cos(j * GOLDEN_ANGLE);
        cy = r * Math.sin(j * GOLDEN_ANGLE);
      }
      packedArea += size * 1.2;
      for (let h = start; h < end; h++) {
        const v = queue[h];
        let cursor = wedgeStart[v];
        const share = subtree[v] > 1 ? wedgeWidth[v] / (subtree[v] - 1) : 0;
        for (let c = childStart[v]; c < childEnd[v]; c++) {
          const u = queue[c];
          wedgeStart[u] = cursor;
          wedgeWidth[u] = share * subtree[u];
          cursor += wedgeWidth[u];
        }
        const d = depth[v];
        const spread = ((h * 0.6180339887) % 1) * 0.8 + 0.2;
        const r = d === 0 ? 0 : ring[d] + (ring[d + 1] - ring[d]) * spread;
        const angle = wedgeStart[v] + wedgeWidth[v] / 2;
        x[v] = cx + r * Math.cos(angle);
        y[v] = cy + r * Math.sin(angle);
      }
    });
  }

  // Simulation parameters (d3-force's model: velocity Verlet with alpha cooling).
  // Large graphs cool in fewer ticks with a coarser Barnes-Hut approximation (theta 1.2,
  // then 1.5): a tick costs ~20 ms at 10,000 nodes and ~100 ms at 30,000 on one core.
  const LARGE = N > 2000;
  const HUGE = N > 20000;
  const ALPHA_MIN = 0.001;
  const ALPHA_DECAY = 1 - Math.pow(ALPHA_MIN, 1 / (HUGE ? 150 : LARGE ? 200 : 300));
  const VELOCITY_KEEP = 0.6;
  const CHARGE = -40 * Math.max(1, M / Math.max(N, 1) / 2);
  const THETA2 = HUGE ? 2.25 : LARGE ? 1.44 : 0.81;
  const DISTANCE_MIN2 = 1;
  // Repulsion is cut off at this range, as d3's distanceMax: otherwise the summed charge of
  // a large component pushes orphans and small components far out and the view shrinks.
  const DISTANCE_MAX2 = 400 * 400;
  const GRAVITY = 0.03;
  let alpha = 1;
  let alphaTarget = 0;
  let ticks = 0;

  // A node repels in proportion to its area, so hubs (drawn large) get room around them.
  const charge = new Float64Array(N);
  for (let i = 0; i < N; i++) charge[i] = (radius[i] / 6) ** 2;

  const linkStrength = new Float64Array(M);
  const linkBias = new Float64Array(M);
  const linkDistance = new Float64Array(M);
  for (let e = 0; e < M; e++) {
    const a = src[e];
    const b = dst[e];
    linkStrength[e] = 1 / Math.max(1, Math.min(degree[a], degree[b]));
    linkBias[e] = degree[a] / Math.max(1, degree[a] + degree[b]);
    linkDistance[e] = 18 + radius[a] + radius[b];
  }

  // Barnes-Hut quadtree in flat typed arrays, rebuilt every tick.
  // cellBody: -1 empty leaf, -2 internal cell, >= 0 the first body of a leaf's chain.
  let cellCap = 0;
  let cellBody;
  let cellChild;
  let cellParent;
  let cellMass;
  let cellX;
  let cellY;
  let cellSize;
  let cellLeft;
  let cellTop;
  let cellCount = 0;
  const bodyNext = new Int32Array(N);
  const MAX_DEPTH = 40;
  const stack = new Int32Array(4 * MAX_DEPTH + 8);

  function growCells(capacity) {
    const grow = (old, Type, size) => {
      const fresh = new Type(size);
      if (old) fresh.set(old);
      return fresh;
    };
    cellBody = grow(cellBody, Int32Array, capacity);
    cellChild = grow(cellChild, Int32Array, capacity * 4);
    cellParent = grow(cellParent, Int32Array, capacity);
    cellMass = grow(cellMass, Float64Array, capacity);
    cellX = grow(cellX, Float64Array, capacity);
    cellY = grow(cellY, Float64Array, capacity);
    cellSize = grow(cellSize, Float64Array, capacity);
    cellLeft = grow(cellLeft, Float64Array, capacity);
    cellTop = grow(cellTop, Float64Array, capacity);
    cellCap = capacity;
  }

  function newCell(left, top, size, parent) {
    if (cellCount === cellCap) growCells(Math.max(64, cellCap * 2));
    const c = cellCount++;
    cellBody[c] = -1;
    cellChild.fill(-1, c * 4, c * 4 + 4);
    cellParent[c] = parent;
    cellMass[c] = 0;
    cellX[c] = 0;
    cellY[c] = 0;
    cellSize[c] = size;
    cellLeft[c] = left;
    cellTop[c] = top;
    return c;
  }

  function quadrantOf(c, px, py) {
    const half = cellSize[c] / 2;
    return (px >= cellLeft[c] + half ? 1 : 0) + (py >= cellTop[c] + half ? 2 : 0);
  }

  function childCell(c, q) {
    const half = cellSize[c] / 2;
    return newCell(cellLeft[c] + (q & 1 ? half : 0), cellTop[c] + (q & 2 ? half : 0), half, c);
  }

  function insertBody(i, depthLimit) {
    let c = 0;
    for (let depth = 0; ; depth++) {
      const body = cellBody[c];
      if (body === -1) {
        cellBody[c] = i;
        bodyNext[i] = -1;
        return;
      }
      if (body >= 0) {
        if (depth >= depthLimit || (x[body] === x[i] && y[body] === y[i])) {
          bodyNext[i] = body; // coincident or too deep: chain in this leaf
          cellBody[c] = i;
          return;
        }
        cellBody[c] = -2; // split: push the resident chain one level down
        const q = quadrantOf(c, x[body], y[body]);
        const child = childCell(c, q);
        cellChild[c * 4 + q] = child;
        cellBody[child] = body;
      }
      const q = quadrantOf(c, x[i], y[i]);
      let child = cellChild[c * 4 + q];
      if (child === -1) {
        child = childCell(c, q);
        cellChild[c * 4 + q] = child;
        cellBody[child] = i;
        bodyNext[i] = -1;
        return;
      }
      c = child;
    }
  }

  function buildTree() {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < N; i++) {
      if (x[i] < minX) minX = x[i];
      if (x[i] > maxX) maxX = x[i];
      if (y[i] < minY) minY = y[i];
      if (y[i] > maxY) maxY = y[i];
    }
    const size = Math.max(maxX - minX, maxY - minY, 1) * 1.0001;
    cellCount = 0;
    newCell(minX, minY, size, -1);
    for (let i = 0; i < N; i++) insertBody(i, MAX_DEPTH);
    // Children have larger indexes than their parent: one backward sweep sums the masses.
    for (let c = cellCount - 1; c >= 0; c--) {
      if (cellBody[c] >= 0) {
        for (let b = cellBody[c]; b !== -1; b = bodyNext[b]) {
          cellMass[c] += charge[b];
          cellX[c] += x[b] * charge[b];
          cellY[c] += y[b] * charge[b];
        }
      }
      const p = cellParent[c];
      if (p >= 0) {
        cellMass[p] += cellMass[c];
        cellX[p] += cellX[c];
        cellY[p] += cellY[c];
      }
    }
  }

  function applyCharge() {
    buildTree();
    for (let c = 0; c < cellCount; c++) {
      if (cellMass[c] > 0) {
        cellX[c] /= cellMass[c];
        cellY[c] /= cellMass[c];
      }
    }
    const strength = CHARGE * alpha;
    for (let i = 0; i < N; i++) {
      const xi = x[i];
      const yi = y[i];
      let fx = 0;
      let fy = 0;
      let top = 0;
      stack[top++] = 0;
      while (top > 0) {
        const c = stack[--top];
        const body = cellBody[c];
        if (body === -2) {
          const dx = cellX[c] - xi;
          const dy = cellY[c] - yi;
          let l = dx * dx + dy * dy;
          const s = cellSize[c];
          if ((s * s) / THETA2 < l) {
            if (l >= DISTANCE_MAX2) continue;
            if (l < DISTANCE_MIN2) l = Math.sqrt(DISTANCE_MIN2 * l);
            const w = (strength * cellMass[c]) / l;
            fx += dx * w;
            fy += dy * w;
          } else {
            for (let q = 0; q < 4; q++) {
              const child = cellChild[c * 4 + q];
              if (child !== -1) stack[top++] = child;
            }
          }
        } else if (body >= 0) {
          for (let b = body; b !== -1; b = bodyNext[b]) {
            if (b === i) continue;
            let dx = x[b] - xi;
            let dy = y[b] - yi;
            if (dx === 0 && dy === 0) {
              dx = (((b * 7919 + i) % 13) - 6) * 1e-3 || 1e-3; // deterministic jiggle
              dy = (((i * 7919 + b) % 11) - 5) * 1e-3 || 1e-3;
            }
            let l = dx * dx + dy * dy;
            if (l >= DISTANCE_MAX2) continue;
            if (l < DISTANCE_MIN2) l = Math.sqrt(DISTANCE_MIN2 * l);
            const w = (strength * charge[b]) / l;
            fx += dx * w;
            fy += dy * w;
          }
        }
      }
      vx[i] += fx;
      vy[i] += fy;
    }
  }

  function applyLinks() {
    for (let e = 0; e < M; e++) {
      const a = src[e];
      const b = dst[e];
      if (a === b) continue;
      let dx = x[b] + vx[b] - x[a] - vx[a];
      let dy = y[b] + vy[b] - y[a] - vy[a];
      let l = Math.sqrt(dx * dx + dy * dy) || 1e-6;
      l = ((l - linkDistance[e]) / l) * alpha * linkStrength[e];
      dx *= l;
      dy *= l;
      const bias = linkBias[e];
      vx[b] -= dx * bias;
      vy[b] -= dy * bias;
      vx[a] += dx * (1 - bias);
      vy[a] += dy * (1 - bias);
    }
  }

  function tick() {
    alpha += (alphaTarget - alpha) * ALPHA_DECAY;
    applyLinks();
    applyCharge();
    const pull = GRAVITY * alpha;
    for (let i = 0; i < N; i++) {
      if (pinned[i]) {
        x[i] = pinX[i];
        y[i] = pinY[i];
        vx[i] = 0;
        vy[i] = 0;
        continue;
      }
      vx[i] = (vx[i] - x[i] * pull) * VELOCITY_KEEP;
      vy[i] = (vy[i] - y[i] * pull) * VELOCITY_KEEP;
      x[i] += vx[i];
      y[i] += vy[i];
    }
    ticks++;
  }

  const simulating = () => N > 0 && (alpha >= ALPHA_MIN || alphaTarget > 0);

  function simulate(budgetMs) {
    const until = performance.now() + budgetMs;
    let count = 0;
    while (simulating()) {
      tick();
      count++;
      if (performance.now() >= until) break;
    }
    if (count > 0 && !simulating() && timings.settled === null) {
      timings.settled = performance.now() - startedAt;
    }
    return count;
  }

  // ---------------------------------------------------------------- view and canvas

  const main = document.getElementById("pv-main");
  const canvas = document.getElementById("pv-canvas");
  const ctx = canvas.getContext("2d");
  const scene = document.createElement("canvas");
  const sctx = scene.getContext("2d");
  let width = 1;
  let height = 1;
  let dpr = 1;
  let zoom = 1;
  let panX = 0;
  let panY = 0;
  let autoFit = true;

  // The view the scene canvas was drawn with; compositing maps it onto the current view.
  let sceneZoom = NaN;
  let scenePanX = NaN;
  let scenePanY = NaN;
  let sceneDirty = true;
  let expensiveScene = false;

  function resize() {
    dpr = window.devicePixelRatio || 1;
    width = Math.max(1, main.clientWidth);
    height = Math.max(1, main.clientHeight);
    for (const c of [canvas, scene]) {
      c.width = Math.round(width * dpr);
      c.height = Math.round(height * dpr);
    }
    if (autoFit) fitView();
    sceneDirty = true;
    schedule();
  }

  function fitView() {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < N; i++) {
      if (!visible[i]) continue;
      const r = radius[i];
      if (x[i] - r < minX) minX = x[i] - r;
      if (x[i] + r > maxX) maxX = x[i] + r;
      if (y[i] - r < minY) minY = y[i] - r;
      if (y[i] + r > maxY) maxY = y[i] + r;
    }
    if (minX === Infinity) {
      zoom = 1;
      panX = width / 2;
      panY = height / 2;
      return;
    }
    const margin = 24;
    const spanX = Math.max(maxX - minX, 1);
    const spanY = Math.max(maxY - minY, 1);
    zoom = Math.min((width - 2 * margin) / spanX, (height - 2 * margin) / spanY, 2);
    zoom = Math.max(zoom, 1e-4);
    panX = width / 2 - ((minX + maxX) / 2) * zoom;
    panY = height / 2 - ((minY + maxY) / 2) * zoom;
  }

  const toScreenX = (i) => x[i] * zoom + panX;
  const toScreenY = (i) => y[i] * zoom + panY;
  const screenRadius = (i, z) => Math.max(radius[i] * z, MIN_NODE_PX);

  // ---------------------------------------------------------------- selection state

  let selected = -1;
  let hovered = -1;
  const inHood = new Uint8Array(N);

  function updateHood() {
    inHood.fill(0);
    if (selected < 0) return;
    inHood[selected] = 1;
    for (const [adj, ends] of [[OUT, dst], [IN, src]]) {
      for (let p = adj.start[selected]; p < adj.start[selected + 1]; p++) {
        const u = ends[adj.list[p]];
        if (visible[u]) inHood[u] = 1;
      }
    }
  }

  // ---------------------------------------------------------------- drawing

  const stats = { drawnNodes: 0, drawnEdges: 0, labels: 0, sceneRenders: 0, frames: 0 };
  let sx = new Float64Array(N);
  let sy = new Float64Array(N);
  let lastSceneMs = 0;
  let lastSceneAt = -Infinity;

  function edgeAlpha() {
    return Math.min(0.6, Math.max(0.08, 6 / Math.sqrt(Math.max(1, visibleEdges))));
  }

  function renderScene() {
    const t0 = performance.now();
    const W = scene.width;
    const H = scene.height;
    const z = zoom * dpr;
    const ox = panX * dpr;
    const oy = panY * dpr;
    sctx.setTransform(1, 0, 0, 1, 0, 0);
    sctx.clearRect(0, 0, W, H);
    for (let i = 0; i < N; i++) {
      sx[i] = x[i] * z + ox;
      sy[i] = y[i] * z + oy;
    }
    const focus = selected >= 0;
    let drawnEdges = 0;

    // Edges: one path per kind; culled when both ends lie beyond the same side.
    const baseAlpha = edgeAlpha();
    sctx.lineWidth = dpr;
    for (let k = 0; k < edgesByKind.length; k++) {
      const list = edgesByKind[k];
      if (list.length === 0) continue;
      sctx.beginPath();
      let any = false;
      for (let p = 0; p < list.length; p++) {
        const e = list[p];
        const a = src[e];
        const b = dst[e];
        if (a === b || !visible[a] || !visible[b]) continue;
        if (focus && (a === selected || b === selected)) continue;
        const ax = sx[a];
        const ay = sy[a];
        const bx = sx[b];
        const by = sy[b];
        if ((ax < 0 && bx < 0) || (ax > W && bx > W) || (ay < 0 && by < 0) || (ay > H && by > H)) {
          continue;
        }
        sctx.moveTo(ax, ay);
        sctx.lineTo(bx, by);
        drawnEdges++;
        any = true;
      }
      if (any) {
        const rgb = EDGE_COLORS[edgeKinds[k]] || DEFAULT_EDGE_COLOR;
        sctx.strokeStyle = `rgba(${rgb},${focus ? baseAlpha * 0.35 : baseAlpha})`;
        sctx.stroke();
      }
    }
    if (focus) {
      sctx.lineWidth = 2 * dpr;
      for (const [adj] of [[OUT], [IN]]) {
        for (let p = adj.start[selected]; p < adj.start[selected + 1]; p++) {
          const e = adj.list[p];
          const a = src[e];
          const b = dst[e];
          if (a === b || !visible[a] || !visible[b]) continue;
          if (adj === IN && a === selected) continue; // counted once
          sctx.beginPath();
          sctx.moveTo(sx[a], sy[a]);
          sctx.lineTo(sx[b], sy[b]);
          sctx.strokeStyle = `rgba(${EDGE_COLORS[edgeKinds[ekind[e]]] || DEFAULT_EDGE_COLOR},0.9)`;
          sctx.stroke();
          drawnEdges++;
        }
      }
    }

    // Nodes: one path per category; with a selection, the rest fade behind its neighbourhood.
    let drawnNodes = 0;
    for (let pass = focus ? 0 : 1; pass < 2; pass++) {
      sctx.globalAlpha = pass === 0 ? 0.22 : 1;
      for (let c = 0; c < CATEGORIES.length; c++) {
        const list = categoryNodes[c];
        if (list.length === 0) continue;
        const hollow = CATEGORIES[c].hollow === true;
        sctx.beginPath();
        let any = false;
        for (let p = 0; p < list.length; p++) {
          const i = list[p];
          if (!visible[i]) continue;
          if (focus && (pass === 0) === (inHood[i] === 1)) continue;
          const r = screenRadius(i, zoom) * dpr;
          const px = sx[i];
          const py = sy[i];
          if (px + r < 0 || px - r > W || py + r < 0 || py - r > H) continue;
          sctx.moveTo(px + r, py);
          sctx.arc(px, py, r, 0, 2 * Math.PI);
          drawnNodes++;
          any = true;
        }
        if (!any) continue;
        if (hollow) {
          sctx.fillStyle = BACKGROUND;
          sctx.fill();
          sctx.strokeStyle = CATEGORIES[c].color;
          sctx.lineWidth = Math.max(1.5, Math.min(3, zoom)) * dpr;
          sctx.stroke();
        } else {
          sctx.fillStyle = CATEGORIES[c].color;
          sctx.fill();
        }
      }
    }
    sctx.globalAlpha = 1;
    if (focus && visible[selected]) {
      sctx.beginPath();
      const r = screenRadius(selected, zoom) * dpr + 3 * dpr;
      sctx.arc(sx[selected], sy[selected], r, 0, 2 * Math.PI);
      sctx.strokeStyle = "#1f2933";
      sctx.lineWidth = 2 * dpr;
      sctx.stroke();
    }
    stats.labels = drawLabels(W, H);
    stats.drawnNodes = drawnNodes;
    stats.drawnEdges = drawnEdges;
    stats.sceneRenders++;
    sceneZoom = zoom;
    scenePanX = panX;
    scenePanY = panY;
    sceneDirty = false;
    lastSceneAt = performance.now();
    lastSceneMs = lastSceneAt - t0;
  }

  function truncate(text) {
    return text.length > 48 ? text.slice(0, 47) + "…" : text;
  }

  function drawLabels(W, H) {
    // A coarse occupancy grid keeps labels from overlapping one another.
    const cell = 8 * dpr;
    const cols = Math.ceil(W / cell) + 1;
    const rows = Math.ceil(H / cell) + 1;
    const taken = new Uint8Array(cols * rows);
    sctx.font = `${LABEL_FONT_PX * dpr}px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif`;
    sctx.textBaseline = "middle";
    sctx.lineJoin = "round";
    sctx.lineWidth = 3 * dpr;
    sctx.strokeStyle = "rgba(255,255,255,0.9)";
    let placed = 0;
    const place = (i, force) => {
      if (!visible[i] || sx[i] > W || sy[i] < -cell || sy[i] > H + cell || sx[i] < -W) return false;
      const r = screenRadius(i, zoom) * dpr;
      const text = truncate(labels[i]);
      const w = sctx.measureText(text).width;
      const left = sx[i] + r + 3 * dpr;
      const top = sy[i] - (LABEL_FONT_PX / 2 + 1) * dpr;
      const bottom = sy[i] + (LABEL_FONT_PX / 2 + 1) * dpr;
      if (left > W || left + w < 0 || bottom < 0 || top > H) return false;
      const c0 = Math.max(0, Math.floor(left / cell));
      const c1 = Math.min(cols - 1, Math.floor((left + w) / cell));
      const r0 = Math.max(0, Math.floor(top / cell));
      const r1 = Math.min(rows - 1, Math.floor(bottom / cell));
      if (!force) {
        for (let row = r0; row <= r1; row++) {
          for (let col = c0; col <= c1; col++) if (taken[row * cols + col]) return false;
        }
      }
      for (let row = r0; row <= r1; row++) {
        for (let col = c0; col <= c1; col++) taken[row * cols + col] = 1;
      }
      sctx.globalAlpha = selected >= 0 && !inHood[i] ? 0.35 : 1;
      sctx.strokeText(text, left, sy[i]);
      sctx.fillStyle = "#1f2933";
      sctx.fillText(text, left, sy[i]);
      placed++;
      return true;
    };
    if (selected >= 0) {
      place(selected, true);
      for (let p = 0; p < N && placed < 80; p++) {
        const i = byDegree[p];
        if (inHood[i] && i !== selected) place(i, false);
      }
    }
    for (let p = 0; p < N && placed < MAX_LABELS; p++) {
      const i = byDegree[p];
      if (inHood[i]) continue;
      const r = screenRadius(i, zoom);
      if (zoom < 1.2 && r < 9) continue; // zoomed out: only the big hubs get a label
      place(i, false);
    }
    sctx.globalAlpha = 1;
    return placed;
  }

  function composite() {
    const W = canvas.width;
    const H = canvas.height;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, W, H);
    const s = zoom / sceneZoom;
    ctx.setTransform(s, 0, 0, s, (panX - scenePanX * s) * dpr, (panY - scenePanY * s) * dpr);
    ctx.drawImage(scene, 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (hovered >= 0 && visible[hovered]) {
      const px = toScreenX(hovered) * dpr;
      const py = toScreenY(hovered) * dpr;
      const r = screenRadius(hovered, zoom) * dpr;
      ctx.beginPath();
      ctx.arc(px, py, r + 2 * dpr, 0, 2 * Math.PI);
      ctx.strokeStyle = "#1f2933";
      ctx.lineWidth = 1.5 * dpr;
      ctx.stroke();
      ctx.font = `600 ${(LABEL_FONT_PX + 1) * dpr}px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif`;
      ctx.textBaseline = "middle";
      const text = truncate(labels[hovered]);
      const left = px + r + 3 * dpr;
      const half = (LABEL_FONT_PX / 2 + 3) * dpr;
      // an opaque box hides the scene's own label for this node underneath
      ctx.fillStyle = "rgba(255,255,255,0.95)";
      ctx.fillRect(left - 2 * dpr, py - half, ctx.measureText(text).width + 4 * dpr, 2 * half);
      ctx.fillStyle = "#111";
      ctx.fillText(text, left, py);
    }
  }

  // ---------------------------------------------------------------- frame loop

  let rafId = 0;
  let panning = false;
  let lastWheelAt = -Infinity;
  let drawnWaiters = [];

  function schedule() {
    if (!rafId) rafId = requestAnimationFrame(frame);
  }

  const userMoving = () => panning || performance.now() - lastWheelAt < IDLE_REDRAW_MS;

  function frame() {
    rafId = 0;
    const t0 = performance.now();
    let moved = false;
    if (simulating() && (!userMoving() || dragging >= 0)) {
      moved = simulate(expensiveScene ? 120 : 12) > 0;
      if (moved && autoFit) fitView();
    }
    const viewMoved = zoom !== sceneZoom || panX !== scenePanX || panY !== scenePanY;
    let pending = false;
    // An expensive scene is redrawn a few times a second while the layout cools, so most
    // of the time goes to the simulation.
    const redrawEvery = Math.max(SETTLE_REDRAW_MS, 3 * lastSceneMs);
    const throttled = moved && !sceneDirty && expensiveScene && t0 - lastSceneAt < redrawEvery;
    if (throttled) {
      pending = true;
    } else if (sceneDirty || moved) {
      renderScene();
    } else if (viewMoved) {
      if (!expensiveScene || !userMoving()) renderScene();
      else pending = true; // reuse the cached scene while the user pans or zooms
    }
    composite();
    stats.frames++;
    frameTimes.push(performance.now() - t0);
    if (frameTimes.length > 120) frameTimes.shift();
    if (!pending && !sceneDirty && drawnWaiters.length) {
      const waiters = drawnWaiters;
      drawnWaiters = [];
      for (const resolve of waiters) resolve(snapshot());
    }
    if (simulating() || pending || drawnWaiters.length) schedule();
  }
  const frameTimes = [];

  function invalidate() {
    sceneDirty = true;
    schedule();
  }

  // ---------------------------------------------------------------- interaction

  let dragging = -1;
  let pointerStart = null;
  let dragMoved = false;

  function nodeAt(cx, cy) {
    let best = -1;
    let bestScore = Infinity;
    for (let i = 0; i < N; i++) {
      if (!visible[i]) continue;
      const dx = toScreenX(i) - cx;
      const dy = toScreenY(i) - cy;
      const reach = screenRadius(i, zoom) + 3;
      const d2 = dx * dx + dy * dy;
      if (d2 > reach * reach) continue;
      const score = d2 / (reach * reach);
      if (score <= bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  function localPoint(event) {
    const rect = canvas.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const [cx, cy] = localPoint(event);
    canvas.setPointerCapture(event.pointerId);
    pointerStart = { cx, cy, panX, panY };
    dragMoved = false;
    dragging = nodeAt(cx, cy);
    if (dragging < 0) {
      panning = true;
      canvas.classList.add("pv-grabbing");
    }
  });

  canvas.addEventListener("pointermove", (event) => {
    const [cx, cy] = localPoint(event);
    if (pointerStart) {
      const dx = cx - pointerStart.cx;
      const dy = cy - pointerStart.cy;
      if (!dragMoved && dx * dx + dy * dy < DRAG_THRESHOLD_PX * DRAG_THRESHOLD_PX) return;
      dragMoved = true;
      autoFit = false;
      if (dragging >= 0) {
        pinned[dragging] = 1;
        pinX[dragging] = (cx - panX) / zoom;
        pinY[dragging] = (cy - panY) / zoom;
        x[dragging] = pinX[dragging];
        y[dragging] = pinY[dragging];
        alphaTarget = N > 2000 ? 0.05 : 0.3;
        if (alpha < alphaTarget) alpha = alphaTarget;
        invalidate();
      } else {
        panX = pointerStart.panX + dx;
        panY = pointerStart.panY + dy;
        schedule();
      }
      return;
    }
    const over = nodeAt(cx, cy);
    if (over !== hovered) {
      hovered = over;
      canvas.classList.toggle("pv-pointer", over >= 0);
      schedule();
    }
  });

  function endPointer(event) {
    if (!pointerStart) return;
    const wasClick = !dragMoved;
    if (dragging >= 0) {
      pinned[dragging] = 0;
      alphaTarget = 0;
    }
    if (wasClick) {
      const [cx, cy] = localPoint(event);
      const hit = dragging >= 0 ? dragging : nodeAt(cx, cy);
      if (hit >= 0) selectIndex(hit, false);
      else if (event.type === "pointerup") selectIndex(-1, false);
    }
    dragging = -1;
    panning = false;
    pointerStart = null;
    canvas.classList.remove("pv-grabbing");
    schedule();
  }
  canvas.addEventListener("pointerup", endPointer);
  canvas.addEventListener("pointercancel", endPointer);
  canvas.addEventListener("pointerleave", () => {
    if (hovered >= 0 && !pointerStart) {
      hovered = -1;
      schedule();
    }
  });

  canvas.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const [cx, cy] = localPoint(event);
      const step = event.deltaMode === 1 ? 0.05 : event.deltaMode === 2 ? 1 : 0.0015;
      const factor = Math.exp(-event.deltaY * step);
      const next = Math.min(Math.max(zoom * factor, 1e-4), 40);
      panX = cx - ((cx - panX) * next) / zoom;
      panY = cy - ((cy - panY) * next) / zoom;
      zoom = next;
      autoFit = false;
      lastWheelAt = performance.now();
      schedule();
    },
    { passive: false },
  );

  document.getElementById("pv-fit").addEventListener("click", () => {
    autoFit = true;
    fitView();
    schedule();
  });

  document.addEventListener("keydown", (event) => {
    const typing = event.target instanceof HTMLInputElement && event.target.type !== "checkbox";
    if (event.key === "/" && !typing) {
      event.preventDefault();
      searchInput.focus();
      searchInput.select();
    } else if (event.key === "Escape" && !typing) {
      selectIndex(-1, false);
    }
  });

  const toggleBoxes = [...document.querySelectorAll("#pv-toggles input[data-toggle]")];

  function togglesChanged() {
    for (const box of toggleBoxes) toggles[box.dataset.toggle] = box.checked;
    updateVisibility();
    if (selected >= 0 && !visible[selected]) selectIndex(-1, false);
    else updateHood();
    if (hovered >= 0 && !visible[hovered]) hovered = -1;
    if (autoFit) fitView();
    expensiveScene = visibleEdges + 2 * visibleNodes > EXPENSIVE_SCENE;
    updateStats();
    invalidate();
  }
  for (const box of toggleBoxes) box.addEventListener("change", togglesChanged);

  /* Turns on the toggles that hide node i, so following a panel link always lands on a
   * drawn node. */
  function reveal(i) {
    if (visible[i]) return;
    const needed = {
      tags: kind[i] === TAG,
      papers: kind[i] === PAPER,
      unresolved: kind[i] === UNRESOLVED,
      drafts: isDraft[i] === 1,
    };
    for (const box of toggleBoxes) if (needed[box.dataset.toggle]) box.checked = true;
    togglesChanged();
  }

  function centerOn(i) {
    const panel = document.getElementById("pv-panel");
    const covered = panel.hidden ? 0 : Math.min(panel.offsetWidth, width / 2);
    if (zoom < 0.6) zoom = Math.min(1.2, Math.max(zoom, 0.6));
    panX = (width - covered) / 2 - x[i] * zoom;
    panY = height / 2 - y[i] * zoom;
    autoFit = false;
  }

  function selectIndex(i, center) {
    if (i >= 0) reveal(i);
    selected = i;
    updateHood();
    renderPanel();
    if (center && i >= 0) centerOn(i);
    invalidate();
  }

  // ---------------------------------------------------------------- search

  const searchInput = document.getElementById("pv-search");
  const resultsList = document.getElementById("pv-results");
  const haystacks = new Array(N);
  for (let i = 0; i < N; i++) {
    const d = nodeData[i];
    const fields = [labels[i], ids[i], afterPrefix(ids[i])];
    if (d.path != null) fields.push(String(d.path), String(d.path).replace(/\.md$/i, ""));
    if (d.title != null) fields.push(String(d.title));
    for (const alias of asList(d.aliases)) fields.push(String(alias));
    for (const merged of asList(d.ids)) fields.push(String(merged)); // a paper's merged ids
    haystacks[i] = fields.map((f) => f.toLowerCase());
  }
  const KIND_RANK = [0, 0, 2, 3, 4];

  function matchScore(i, q) {
    let best = Infinity;
    for (const field of haystacks[i]) {
      if (field === q) return 0;
      const at = field.indexOf(q);
      if (at < 0) continue;
      const score = at === 0 ? 1 : /[\s/_\-.:#(]/.test(field[at - 1]) ? 2 : 3;
      if (score < best) best = score;
    }
    return best;
  }

  function findNodes(query, limit = 12) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const hits = [];
    for (let i = 0; i < N; i++) {
      if (!visible[i]) continue;
      const score = matchScore(i, q);
      if (score !== Infinity) hits.push([score, KIND_RANK[kind[i]], -degree[i], labels[i], i]);
    }
    hits.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0));
    return hits.slice(0, limit).map((h) => h[4]);
  }

  let results = [];
  let activeResult = 0;

  function showResults() {
    results = findNodes(searchInput.value);
    activeResult = 0;
    resultsList.replaceChildren(
      ...results.map((i, n) => {
        const button = el("button", { type: "button", role: "option", "data-id": ids[i] }, [
          el("span", { class: "pv-swatch", color: CATEGORIES[category[i]] }),
          el("span", {}, [truncate(labels[i])]),
          el("span", { class: "pv-sub" }, [kind[i] === NOTE ? String(nodeData[i].path ?? "") : KIND_NAMES[kind[i]]]),
        ]);
        button.setAttribute("aria-selected", String(n === activeResult));
        button.addEventListener("mousedown", (event) => event.preventDefault());
        button.addEventListener("click", () => chooseResult(n));
        return el("li", {}, [button]);
      }),
    );
    resultsList.hidden = results.length === 0;
  }

  function chooseResult(n) {
    if (n < 0 || n >= results.length) return false;
    selectIndex(results[n], true);
    resultsList.hidden = true;
    return true;
  }

  searchInput.addEventListener("input", showResults);
  searchInput.addEventListener("focus", showResults);
  searchInput.addEventListener("blur", () => {
    resultsList.hidden = true;
  });
  searchInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      if (!results.length) showResults();
      chooseResult(activeResult);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!results.length) return;
      activeResult = (activeResult + (event.key === "ArrowDown" ? 1 : results.length - 1)) % results.length;
      resultsList.querySelectorAll("button").forEach((b, n) => b.setAttribute("aria-selected", String(n === activeResult)));
    } else if (event.key === "Escape") {
      resultsList.hidden = true;
      searchInput.blur();
    }
  });

  // ---------------------------------------------------------------- side panel

  const panel = document.getElementById("pv-panel");
  const panelBody = document.getElementById("pv-panel-body");
  document.getElementById("pv-panel-close").addEventListener("click", () => selectIndex(-1, false));

  /* Builds an element; text children become text nodes, so graph data never becomes markup. */
  function el(tag, attrs, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (name === "color") {
        node.style.backgroundColor = value.hollow ? BACKGROUND : value.color;
        node.style.borderColor = value.color;
      } else if (name === "class") node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  const edgesOf = (i, adj) => {
    const list = [];
    for (let p = adj.start[i]; p < adj.start[i + 1]; p++) list.push(adj.list[p]);
    return list;
  };
  // Neighbours over edges of one kind: `out` follows source -> target, `in` the reverse.
  function neighbours(i, edgeKind, direction) {
    const found = new Map();
    const take = (adj, ends) => {
      for (const e of edgesOf(i, adj)) {
        if (ekind[e] !== edgeKind) continue;
        const u = ends[e];
        if (u === i) continue;
        const prior = found.get(u);
        found.set(u, prior ? prior.concat(e) : [e]);
      }
    };
    if (direction !== "in") take(OUT, dst);
    if (direction !== "out") take(IN, src);
    return found;
  }

  function describedPapers(note) {
    const papers = new Set(neighbours(note, E_DESCRIBES, "both").keys());
    const path = nodeData[note].path;
    for (let i = 0; i < N; i++) {
      if (kind[i] === PAPER && path != null && nodeData[i].note === path) papers.add(i);
    }
    return [...papers].filter((p) => kind[p] === PAPER);
  }

  function describingNotes(paper) {
    const notes = new Set([...neighbours(paper, E_DESCRIBES, "both").keys()].filter((u) => kind[u] === NOTE));
    const path = nodeData[paper].note;
    if (path != null && noteByPath.has(String(path))) notes.add(noteByPath.get(String(path)));
    return [...notes];
  }

  function citingNotes(papers) {
    const notes = new Map();
    for (const p of papers) {
      for (const [u, edges] of neighbours(p, E_CITES, "in")) {
        if (kind[u] === NOTE) notes.set(u, (notes.get(u) || []).concat(edges));
      }
    }
    return notes;
  }

  function linesText(edges) {
    const lines = [];
    let count = 0;
    for (const e of edges) {
      count += ecount[e];
      for (const line of asList(elines[e])) lines.push(line);
    }
    if (lines.length) {
      lines.sort((a, b) => a - b);
      return (lines.length === 1 ? "line " : "lines ") + lines.join(", ");
    }
    return count > 1 ? `×${count}` : "";
  }

  const byLabel = (a, b) => (labels[a] < labels[b] ? -1 : labels[a] > labels[b] ? 1 : a - b);

  function section(key, title, entries) {
    // entries: [nodeIndex, metaText] pairs
    const items = entries.slice(0, MAX_PANEL_ITEMS).map(([u, meta]) => {
      const button = el("button", { type: "button", "data-id": ids[u], title: ids[u] }, [labels[u]]);
      button.addEventListener("click", () => selectIndex(u, true));
      const children = [el("span", { class: "pv-swatch", color: CATEGORIES[category[u]] }), button];
      if (isDraft[u]) children.push(el("span", { class: "pv-meta" }, ["draft"]));
      if (meta) children.push(el("span", { class: "pv-meta" }, [meta]));
      return el("li", {}, children);
    });
    const parts = [el("h3", {}, [`${title} (${entries.length})`]), el("ul", {}, items)];
    if (entries.length > MAX_PANEL_ITEMS) {
      parts.push(el("p", { class: "pv-more" }, [`and ${entries.length - MAX_PANEL_ITEMS} more`]));
    }
    return el("section", { "data-section": key, "data-total": String(entries.length) }, parts);
  }

  const entriesFrom = (map, metaOf) =>
    [...map.keys()].sort(byLabel).map((u) => [u, metaOf ? metaOf(map.get(u), u) : ""]);

  function field(name, value, key) {
    return el("p", { class: "pv-field", "data-field": key }, [el("b", {}, [name + ": "]), value]);
  }

  function panelSections(i) {
    const sections = [];
    if (kind[i] === NOTE) {
      const backlinks = new Map();
      for (const kindIndex of [E_LINKS, E_EMBEDS]) {
        for (const [u, edges] of neighbours(i, kindIndex, "in")) {
          if (kind[u] === NOTE) backlinks.set(u, (backlinks.get(u) || []).concat(edges));
        }
      }
      const papers = describedPapers(i);
      const citedBy = citingNotes(papers);
      for (const [u, edges] of citedBy) if (u !== i) backlinks.set(u, (backlinks.get(u) || []).concat(edges));
      const outgoing = new Map();
      for (const kindIndex of [E_LINKS, E_EMBEDS]) {
        for (const [u, edges] of neighbours(i, kindIndex, "out")) outgoing.set(u, (outgoing.get(u) || []).concat(edges));
      }
      const cites = neighbours(i, E_CITES, "out");
      sections.push(section("backlinks", "Backlinks", entriesFrom(backlinks, linesText)));
      sections.push(section("cites", "Cites", entriesFrom(cites, (edges, u) => (hasNote[u] ? "" : "no note"))));
      if (papers.length) {
        sections.push(section("describes", "Describes", papers.sort(byLabel).map((p) => [p, ""])));
        sections.push(section("cited-by", "Cited by", entriesFrom(citedBy, linesText)));
      }
      sections.push(section("links", "Links to", entriesFrom(outgoing, linesText)));
    } else if (kind[i] === PAPER) {
      const notes = describingNotes(i);
      sections.push(section("described-by", "Described by", notes.sort(byLabel).map((u) => [u, ""])));
      sections.push(section("cited-by", "Cited by", entriesFrom(citingNotes([i]), linesText)));
    } else if (kind[i] === TAG) {
      const tagged = neighbours(i, E_TAGGED, "both");
      sections.push(section("tagged", "Tagged notes", entriesFrom(tagged)));
    } else {
      const from = new Map();
      for (const e of edgesOf(i, IN)) {
        if (src[e] !== i) from.set(src[e], (from.get(src[e]) || []).concat(e));
      }
      sections.push(section("linked-from", "Linked from", entriesFrom(from, linesText)));
    }
    return sections;
  }

  function renderPanel() {
    if (selected < 0) {
      panel.hidden = true;
      panelBody.replaceChildren();
      return;
    }
    const i = selected;
    const d = nodeData[i];
    const parts = [];
    const heading = el("h2", { id: "pv-panel-title" }, [labels[i]]);
    parts.push(el("p", { class: "pv-kind" }, [
      el("span", { class: "pv-swatch", color: CATEGORIES[category[i]] }),
      " " + CATEGORIES[category[i]].label,
      ...(isDraft[i] ? [" ", el("span", { class: "pv-badge pv-draft", "data-draft": "1" }, ["draft"])] : []),
    ]));
    parts.unshift(heading);
    parts.push(field("id", el("code", {}, [ids[i]]), "id"));
    if (kind[i] === NOTE && d.path != null) parts.push(field("path", el("code", {}, [String(d.path)]), "path"));
    if (kind[i] === NOTE && asList(d.aliases).length) {
      parts.push(field("aliases", asList(d.aliases).join(", "), "aliases"));
    }
    if (kind[i] === PAPER) {
      if (d.title != null && String(d.title) !== ids[i]) parts.push(field("title", String(d.title), "paper-title"));
      if (d.scheme != null) parts.push(field("scheme", String(d.scheme), "scheme"));
      if (asList(d.versions).length) parts.push(field("versions", asList(d.versions).join(", "), "versions"));
      if (d.count != null) parts.push(field("citations", String(d.count), "count"));
    }
    const tags = kind[i] === NOTE ? asList(d.tags).map(String) : [];
    if (tags.length) {
      const tagNodes = new Map();
      for (const u of neighbours(i, E_TAGGED, "both").keys()) {
        tagNodes.set(labels[u].replace(/^#/, "").toLowerCase(), u);
      }
      const chips = tags.map((tag) => {
        const u = tagNodes.get(tag.replace(/^#/, "").toLowerCase());
        const chip = el(u === undefined ? "span" : "button", { class: "pv-chip", "data-tag": tag }, ["#" + tag.replace(/^#/, "")]);
        if (u !== undefined) chip.addEventListener("click", () => selectIndex(u, true));
        return el("li", {}, [chip]);
      });
      parts.push(el("ul", { class: "pv-chips", "data-field": "tags" }, chips));
    }
    parts.push(...panelSections(i));
    panelBody.replaceChildren(...parts);
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  function panelContents() {
    if (panel.hidden) return null;
    const text = (selector) => panelBody.querySelector(selector)?.textContent ?? null;
    const sections = {};
    for (const s of panelBody.querySelectorAll("section[data-section]")) {
      sections[s.dataset.section] = [...s.querySelectorAll("li button[data-id]")].map((b) => b.dataset.id);
    }
    return {
      id: panelBody.querySelector('[data-field="id"] code')?.textContent ?? null,
      title: text("#pv-panel-title"),
      path: panelBody.querySelector('[data-field="path"] code')?.textContent ?? null,
      draft: panelBody.querySelector("[data-draft]") !== null,
      tags: [...panelBody.querySelectorAll("[data-tag]")].map((t) => t.dataset.tag),
      sections,
    };
  }

  // ---------------------------------------------------------------- legend and counts

  function buildLegend() {
    const list = document.getElementById("pv-legend-items");
    const present = new Set(category);
    const items = [];
    CATEGORIES.forEach((c, index) => {
      if (!present.has(index) && (index === CAT_OTHER || index === CAT_DRAFT)) return;
      items.push(el("li", { "data-category": c.key }, [el("span", { class: "pv-swatch", color: c }), c.label]));
    });
    edgeKinds.forEach((name, k) => {
      if (!edgesByKind[k].length) return;
      const swatch = el("span", { class: "pv-swatch-line" });
      swatch.style.borderTopColor = `rgb(${EDGE_COLORS[name] || DEFAULT_EDGE_COLOR})`;
      items.push(el("li", { "data-edge-kind": name }, [swatch, name]));
    });
    list.replaceChildren(...items);
    const counts = { tags: 0, papers: 0, unresolved: 0, drafts: 0 };
    for (let i = 0; i < N; i++) {
      if (kind[i] === TAG) counts.tags++;
      else if (kind[i] === PAPER) counts.papers++;
      else if (kind[i] === UNRESOLVED) counts.unresolved++;
      if (isDraft[i]) counts.drafts++;
    }
    for (const span of document.querySelectorAll("[data-count]")) {
      span.textContent = `(${counts[span.dataset.count].toLocaleString("en")})`;
    }
  }

  function updateStats() {
    const fmt = (n) => n.toLocaleString("en");
    const hidden = N - visibleNodes;
    document.getElementById("pv-stats").textContent =
      `${fmt(visibleNodes)} nodes · ${fmt(visibleEdges)} edges` + (hidden ? ` · ${fmt(hidden)} hidden` : "");
  }

  // ---------------------------------------------------------------- test and scripting hook

  function snapshot() {
    return {
      nodes: N,
      edges: M,
      visibleNodes,
      visibleEdges,
      drawnNodes: stats.drawnNodes,
      drawnEdges: stats.drawnEdges,
      labels: stats.labels,
      frames: stats.frames,
      sceneRenders: stats.sceneRenders,
      lastSceneMs,
      ticks,
      alpha,
      running: simulating(),
      zoom,
      selected: selected >= 0 ? ids[selected] : null,
      hovered: hovered >= 0 ? ids[hovered] : null,
      toggles: { ...toggles },
    };
  }

  // Milliseconds since the script started; scriptStart is since navigation began.
  const timings = { scriptStart: startedAt, parsed: null, laidOut: null, ready: null, settled: null };

  const hook = {
    get ready() {
      return document.body.dataset.ready === "1";
    },
    get selected() {
      return selected >= 0 ? ids[selected] : null;
    },
    get timings() {
      return { ...timings };
    },
    get palette() {
      return Object.fromEntries(CATEGORIES.map((c) => [c.key, c.color]));
    },
    get background() {
      return BACKGROUND;
    },
    stats: snapshot,
    panel: panelContents,
    /** Resolves with stats() once a frame showing the current state has been drawn. */
    whenDrawn() {
      return new Promise((resolve) => {
        drawnWaiters.push(resolve);
        sceneDirty = true;
        schedule();
      });
    },
    /** Search as the search box does; selects and returns the best matches' ids. */
    search(query) {
      searchInput.value = query;
      showResults();
      chooseResult(0);
      resultsList.hidden = true;
      return results.map((i) => ids[i]);
    },
    select(id) {
      const i = id == null ? -1 : indexOf.get(String(id));
      if (i === undefined) return false;
      selectIndex(i, i >= 0);
      return true;
    },
    /** The node's centre in viewport (client) coordinates, or null when hidden. */
    screenPosition(id) {
      const i = indexOf.get(String(id));
      if (i === undefined || !visible[i]) return null;
      const rect = canvas.getBoundingClientRect();
      return { x: rect.left + toScreenX(i), y: rect.top + toScreenY(i), radius: screenRadius(i, zoom) };
    },
    nodeAt(clientX, clientY) {
      const rect = canvas.getBoundingClientRect();
      const i = nodeAt(clientX - rect.left, clientY - rect.top);
      return i >= 0 ? ids[i] : null;
    },
    visibleIds() {
      return ids.filter((_, i) => visible[i] === 1);
    },
    frameTimes() {
      return frameTimes.slice();
    },
  };
  Object.defineProperty(window, "papervaultGraph", { value: Object.freeze(hook), enumerable: true });

  // ---------------------------------------------------------------- start

  timings.parsed = performance.now() - startedAt;
  updateVisibility();
  expensiveScene = visibleEdges + 2 * visibleNodes > EXPENSIVE_SCENE;
  initialLayout();
  // Settle small graphs completely before the first frame; large ones keep cooling on screen.
  simulate(N > 3000 ? 150 : 400);
  timings.laidOut = performance.now() - startedAt;
  buildLegend();
  updateStats();
  document.getElementById("pv-empty").hidden = N > 0;
  resize();
  new ResizeObserver(() => resize()).observe(main);
  renderScene();
  composite();
  requestAnimationFrame(() => {
    // the first frame has been handed to the compositor
    timings.ready = performance.now() - startedAt;
    document.body.dataset.ready = "1";
  });
  schedule();
})();
