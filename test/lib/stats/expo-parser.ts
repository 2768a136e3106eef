/**
 * Test helper: a strict parser of the Prometheus text exposition format 0.0.4, stricter than
 * Prometheus itself where the format leaves room: every sample belongs to a family announced by
 * `# TYPE` (gauge or counter here) before its first sample, a family's samples are contiguous,
 * HELP/TYPE appear at most once per family, names and label names match the format's grammar,
 * label values use only the three escapes, values are Go floats (NaN, +Inf, -Inf allowed), no
 * series repeats, and the text ends with a newline. Throws with the line number on the first
 * violation.
 */
export interface Family {
  readonly name: string;
  type: string;
  help: string | null;
  readonly samples: { readonly labels: Record<string, string>; readonly value: number }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE = /^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseLabels(s: string, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without '='`);
    const name = s.slice(i, eq);
    if (!LABEL.test(name)) throw new Error(`line ${line}: bad label name '${name}'`);
    if (s[eq + 1] !== '"') throw new Error(`line ${line}: label value not quoted`);
    let j = eq + 2;
    let v = '';
    for (;;) {
      const ch = s[j];
      if (ch === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (ch === '"') break;
      if (ch === '\\') {
        const e = s[j + 1];
        if (e === 'n') v += '\n';
        else if (e === '\\' || e === '"') v += e;
        else throw new Error(`line ${line}: bad escape \\${e ?? ''}`);
        j += 2;
        continue;
      }
      if (ch === '\n') throw new Error(`line ${line}: raw newline in label value`);
      v += ch;
      j++;
    }
    if (name in out) throw new Error(`line ${line}: duplicate label '${name}'`);
    out[name] = v;
    i = j + 1;
    if (i < s.length) {
      if (s[i] !== ',') throw new Error(`line ${line}: expected ',' between labels`);
      i++;
    }
  }
  return out;
}

export function parseExposition(text: string): Map<string, Family> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('text does not end with a newline');
  const fams = new Map<string, Family>();
  const series = new Set<string>();
  let current: Family | null = null;
  const closed = new Set<string>();
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((l, idx) => {
    const n = idx + 1;
    if (l === '') throw new Error(`line ${n}: empty line`);
    if (l.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(l);
      if (m === null) return; // a plain comment
      const [, kw, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`line ${n}: bad metric name '${name}'`);
      if (closed.has(name)) throw new Error(`line ${n}: family ${name} announced again after its samples`);
      let f = fams.get(name);
      if (f === undefined) {
        if (current !== null && current.name !== name) closed.add(current.name);
        f = { name, type: '', help: null, samples: [] };
        fams.set(name, f);
      } else if (f.samples.length > 0) throw new Error(`line ${n}: ${kw} for ${name} after its samples`);
      current = f;
      if (kw === 'TYPE') {
        if (f.type !== '') throw new Error(`line ${n}: second TYPE for ${name}`);
        if (!TYPES.has(rest)) throw new Error(`line ${n}: unknown type '${rest}'`);
        f.type = rest;
      } else {
        if (f.help !== null) throw new Error(`line ${n}: second HELP for ${name}`);
        f.help = rest;
      }
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?[0-9]+))?$/.exec(l);
    if (m === null) throw new Error(`line ${n}: not a sample: ${l}`);
    const [, name, labelText, value] = m as unknown as [string, string, string | undefined, string];
    const f = fams.get(name);
    if (f === undefined || f.type === '') throw new Error(`line ${n}: sample of ${name} before its TYPE`);
    if (current !== f) throw new Error(`line ${n}: samples of ${name} are not contiguous`);
    if (!VALUE.test(value)) throw new Error(`line ${n}: bad value '${value}'`);
    const labels = labelText === undefined || labelText === '' ? {} : parseLabels(labelText, n);
    const key = `${name}{${Object.entries(labels).sort().map(([k, v]) => `${k}=${v}`).join(',')}}`;
    if (series.has(key)) throw new Error(`line ${n}: duplicate series ${key}`);
    series.add(key);
    f.samples.push({ labels, value: value === 'NaN' ? Number.NaN : value === '+Inf' ? Infinity : value === '-Inf' ? -Infinity : Number(value) });
  });
  for (const f of fams.values()) if (f.type === '') throw new Error(`family ${f.name} has no TYPE`);
  return fams;
}
