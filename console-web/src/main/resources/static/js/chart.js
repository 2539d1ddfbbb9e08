// Small SVG line charts of the numeric data fields of a channel's events, one per field.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 90;
const PAD = { left: 44, right: 6, top: 8, bottom: 16 };
const MAX_POINTS = 300;

function svg(name, attributes = {}) {
  const element = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) {
    element.setAttribute(k, String(v));
  }
  return element;
}

function label(value) {
  const abs = Math.abs(value);
  return abs !== 0 && (abs >= 1e5 || abs < 1e-3) ? value.toExponential(2) : String(Math.round(value * 1000) / 1000);
}

/** The numeric top-level members of an event's data (booleans and strings are not plotted). */
export function numericFields(data) {
  const out = [];
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    for (const [name, value] of Object.entries(data)) {
      if (typeof value === 'number' && Number.isFinite(value)) {
        out.push([name, value]);
      }
    }
  }
  return out;
}

export class Charts {
  /** @param {HTMLElement} container where one <figure data-field> per field is added */
  constructor(container) {
    this.container = container;
    this.series = new Map();
  }

  clear() {
    this.series.clear();
    this.container.replaceChildren();
  }

  /** Adds an event's numeric fields at time t (ms). */
  add(t, data) {
    for (const [field, value] of numericFields(data)) {
      let s = this.series.get(field);
      if (!s) {
        s = this.create(field);
        this.series.set(field, s);
      }
      s.points.push([t, value]);
      if (s.points.length > MAX_POINTS) {
        s.points.shift();
      }
      this.draw(s);
    }
  }

  create(field) {
    const figure = document.createElement('figure');
    figure.className = 'chart';
    figure.dataset.field = field;
    const caption = document.createElement('figcaption');
    caption.textContent = field;
    const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img',
      'aria-label': `${field} over time` });
    root.append(svg('rect', { x: PAD.left, y: PAD.top, width: WIDTH - PAD.left - PAD.right,
      height: HEIGHT - PAD.top - PAD.bottom, class: 'plot-area' }));
    const max = svg('text', { x: PAD.left - 4, y: PAD.top + 8, 'text-anchor': 'end', class: 'axis' });
    const min = svg('text', { x: PAD.left - 4, y: HEIGHT - PAD.bottom, 'text-anchor': 'end', class: 'axis' });
    const span = svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 3, 'text-anchor': 'end', class: 'axis' });
    const line = svg('polyline', { class: 'series', fill: 'none' });
    line.dataset.field = field;
    root.append(max, min, span, line);
    figure.append(caption, root);
    this.container.append(figure);
    return { field, points: [], line, max, min, span, figure };
  }

  draw(s) {
    const ts = s.points.map(p => p[0]);
    const vs = s.points.map(p => p[1]);
    const t0 = Math.min(...ts);
    const t1 = Math.max(...ts);
    let v0 = Math.min(...vs);
    let v1 = Math.max(...vs);
    if (v0 === v1) {
      v0 -= 1;
      v1 += 1;
    }
    const w = WIDTH - PAD.left - PAD.right;
    const h = HEIGHT - PAD.top - PAD.bottom;
    const x = t => PAD.left + (t1 === t0 ? w / 2 : (t - t0) / (t1 - t0) * w);
    const y = v => PAD.top + h - (v - v0) / (v1 - v0) * h;
    s.line.setAttribute('points', s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' '));
    s.line.dataset.points = String(s.points.length);
    s.max.textContent = label(v1);
    s.min.textContent = label(v0);
    s.span.textContent = t1 > t0 ? `${Math.round((t1 - t0) / 1000)} s` : '';
    s.figure.dataset.last = String(vs[vs.length - 1]);
  }
}
